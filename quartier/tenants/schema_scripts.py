"""Build tenant schemas by replaying SQL captured from one real migration run.

Django's migration executor rebuilds the project state for every schema it migrates
(about 0.6 s for ~35 tables, growing with each migration). All tenant schemas are built
from the same migrations, so the statements one run sends are the statements every run
would send: we record them once, with their parameters inlined, and replay the script
in any new schema inside a single transaction, in milliseconds.

The same recorder powers fleet migrations (quartier.tenants.fleet): pending migrations
are applied for real to one schema, and what it sent is replayed on the others.
"""

import hashlib
import re
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_permission_codename
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django_tenants.utils import schema_exists

# Statements that only read or manage the session; everything else changes the schema
# or its rows and is part of the script.
_NOT_RECORDED = re.compile(
    r"^\s*(SELECT|SHOW|SET\s+search_path|SAVEPOINT|RELEASE\s+SAVEPOINT|ROLLBACK|BEGIN|COMMIT)\b",
    re.IGNORECASE,
)
SCHEMA_NAME_PATTERN = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def tenant_app_labels() -> set[str]:
    labels = set()
    for app_name in settings.TENANT_APPS:
        for config in apps.get_app_configs():
            if config.name == app_name:
                labels.add(config.label)
    return labels


@lru_cache(maxsize=1)
def migration_fingerprint() -> str:
    """A hash of every tenant-app migration on disk, names and source."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    labels = tenant_app_labels()
    digest = hashlib.sha256()
    for key in sorted(k for k in loader.disk_migrations if k[0] in labels):
        module = loader.disk_migrations[key].__module__
        source_file = __import__(module, fromlist=["_"]).__file__
        digest.update(repr(key).encode())
        digest.update(Path(source_file).read_bytes())
    return digest.hexdigest()[:32]


def quote_schema(schema_name: str) -> str:
    if not SCHEMA_NAME_PATTERN.match(schema_name):
        raise ValueError(f"unsafe schema name {schema_name!r}")
    return f'"{schema_name}"'


class StatementRecorder:
    """A connection execute-wrapper that keeps the statements that change the schema."""

    def __init__(self):
        self.statements: list[str] = []

    def __call__(self, execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if not _NOT_RECORDED.match(sql):
            self._record(context["cursor"], sql, params, many)
        return result

    def _record(self, cursor, sql, params, many):
        raw_cursor = cursor.cursor if hasattr(cursor, "cursor") else cursor
        if many:
            for row in params:
                self.statements.append(raw_cursor.mogrify(sql, row).decode())
        elif params is None:
            self.statements.append(sql)
        else:
            self.statements.append(raw_cursor.mogrify(sql, params).decode())

    def script(self) -> str:
        return ";\n".join(statement.rstrip().rstrip(";") for statement in self.statements) + ";\n"


@contextmanager
def recording():
    recorder = StatementRecorder()
    with connection.execute_wrapper(recorder):
        yield recorder


def migrate_schema_for_real(schema_name: str) -> None:
    """Apply pending migrations to one schema with Django's own executor (the slow path)."""
    connection.set_schema(schema_name)
    try:
        executor = MigrationExecutor(connection)
        targets = executor.loader.graph.leaf_nodes()
        executor.migrate(targets, plan=executor.migration_plan(targets))
    finally:
        connection.set_schema_to_public()


def ensure_migration_table(schema_name: str) -> None:
    # django_migrations must exist in the schema itself before migrating, or the
    # recorder would find public's table through the search path.
    connection.set_schema(schema_name, include_public=False)
    try:
        MigrationRecorder(connection).ensure_schema()
    finally:
        connection.set_schema_to_public()


def capture_build_script(schema_name: str) -> str:
    """Create `schema_name` by migrating it for real, returning the SQL that built it."""
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE SCHEMA {quote_schema(schema_name)}")
    with recording() as recorder:
        ensure_migration_table(schema_name)
        migrate_schema_for_real(schema_name)
    return recorder.script() + content_types_sql()


def content_types_sql() -> str:
    """Idempotent SQL creating every model's content type and default permissions.

    Django adds these in a post_migrate handler whose inserts depend on the rows already
    present; this version looks the ids up by name, so it replays safely on any schema.
    """
    content_types, permissions = [], []
    for model in apps.get_models():
        opts = model._meta
        content_types.append((opts.app_label, opts.model_name))
        for action in opts.default_permissions:
            permissions.append(
                (
                    f"Can {action} {opts.verbose_name_raw}"[:255],
                    opts.app_label,
                    opts.model_name,
                    get_permission_codename(action, opts),
                )
            )
        for codename, name in opts.permissions:
            permissions.append((str(name)[:255], opts.app_label, opts.model_name, codename))
    with connection.cursor() as cursor:
        raw = cursor.cursor
        type_rows = ",".join(raw.mogrify("(%s,%s)", row).decode() for row in content_types)
        permission_rows = ",".join(
            raw.mogrify("(%s,%s,%s,%s)", row).decode() for row in permissions
        )
    # Every value was quoted by the driver (mogrify) before it reached this text.
    return _CONTENT_TYPES_TEMPLATE.format(types=type_rows, permissions=permission_rows)


_CONTENT_TYPES_TEMPLATE = (
    "INSERT INTO django_content_type (app_label, model) VALUES {types} "
    "ON CONFLICT (app_label, model) DO NOTHING;\n"
    "INSERT INTO auth_permission (name, content_type_id, codename) "
    "SELECT v.name, ct.id, v.codename FROM (VALUES {permissions}) "
    "AS v(name, app_label, model, codename) JOIN django_content_type ct "
    "ON ct.app_label = v.app_label AND ct.model = v.model "
    "ON CONFLICT (content_type_id, codename) DO NOTHING;\n"
)


def replay_script(schema_name: str, script: str, *, create: bool) -> None:
    """Run a captured script inside `schema_name` on the current transaction."""
    with connection.cursor() as cursor:
        if create:
            cursor.execute(f"CREATE SCHEMA {quote_schema(schema_name)}")
    connection.set_schema(schema_name)
    try:
        with connection.cursor() as cursor:
            cursor.execute(script)
    finally:
        connection.set_schema_to_public()


def build_script() -> str:
    """The script that builds a tenant schema at the current code's migration state."""
    from quartier.tenants.models import SchemaScript

    fingerprint = migration_fingerprint()
    existing = SchemaScript.objects.filter(fingerprint=fingerprint).first()
    if existing is not None:
        return existing.statements["sql"]
    return _capture_and_store(fingerprint)


def _capture_and_store(fingerprint: str) -> str:
    from quartier.tenants.models import SchemaScript

    scratch = f"capture_{fingerprint[:16]}"
    with transaction.atomic():
        if schema_exists(scratch):
            with connection.cursor() as cursor:
                cursor.execute(f"DROP SCHEMA {quote_schema(scratch)} CASCADE")
        script = capture_build_script(scratch)
        with connection.cursor() as cursor:
            cursor.execute(f"DROP SCHEMA {quote_schema(scratch)} CASCADE")
        stored, _ = SchemaScript.objects.get_or_create(
            fingerprint=fingerprint, defaults={"statements": {"sql": script}}
        )
    return stored.statements["sql"]
