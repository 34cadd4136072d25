from django.db import connection

from quartier.tenants.models import PoolSchema
from quartier.tenants.pool import pool_fill
from quartier.tenants.schema_scripts import (
    content_types_sql,
    ensure_migration_table,
    migrate_schema_for_real,
    quote_schema,
)
from tests.tenants.schema_signature import schema_signature


def test_a_replayed_schema_is_identical_to_a_migrated_one(db):
    # given a schema built by Django's own migration executor
    with connection.cursor() as cursor:
        cursor.execute("CREATE SCHEMA reference_build")
    ensure_migration_table("reference_build")
    migrate_schema_for_real("reference_build")
    connection.set_schema("reference_build")
    with connection.cursor() as cursor:
        cursor.execute(content_types_sql())
    connection.set_schema_to_public()

    # and one built by replaying the captured script (every pool schema is)
    pool_fill(target=1)
    replayed = PoolSchema.objects.first().schema_name

    # then they are the same, table by table, constraint by constraint
    reference, candidate = schema_signature("reference_build"), schema_signature(replayed)
    assert len(reference["columns"]) > 50
    assert len(reference["permissions"]) > 40
    for part in reference:
        assert candidate[part] == reference[part], part


def test_schema_names_are_quoted_or_refused():
    assert quote_schema("t_telco") == '"t_telco"'
    for unsafe in ['t"; DROP SCHEMA public; --', "Upper", "", "a" * 64, "1abc"]:
        try:
            quote_schema(unsafe)
        except ValueError:
            continue
        raise AssertionError(f"{unsafe!r} was accepted")
