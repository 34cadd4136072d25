"""A comparable description of everything in a schema: columns, constraints, indexes, rows
of the content-type tables."""

from django.db import connection


def schema_signature(schema_name: str) -> dict:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name, data_type, is_nullable, column_default, "
            "is_identity FROM information_schema.columns WHERE table_schema = %s "
            "ORDER BY 1, 2",
            [schema_name],
        )
        columns = cursor.fetchall()
        cursor.execute(
            "SELECT c.relname, con.conname, con.contype, "
            "replace(pg_get_constraintdef(con.oid), %s, '') "
            "FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid "
            "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %s ORDER BY 1, 2",
            [f"{schema_name}.", schema_name],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            "SELECT tablename, indexname, replace(indexdef, %s, '') FROM pg_indexes "
            "WHERE schemaname = %s ORDER BY 1, 2",
            [f"{schema_name}.", schema_name],
        )
        indexes = cursor.fetchall()
        cursor.execute(
            f'SELECT app_label, model FROM "{schema_name}".django_content_type ORDER BY 1, 2'
        )
        content_types = cursor.fetchall()
        cursor.execute(
            f'SELECT ct.app_label, p.codename, p.name FROM "{schema_name}".'
            f'auth_permission p JOIN "{schema_name}".django_content_type ct '
            "ON ct.id = p.content_type_id ORDER BY 1, 2"
        )
        permissions = cursor.fetchall()
        cursor.execute(f'SELECT app, name FROM "{schema_name}".django_migrations ORDER BY 1, 2')
        migrations = cursor.fetchall()
    return {
        "columns": columns,
        "constraints": constraints,
        "indexes": indexes,
        "content_types": content_types,
        "permissions": permissions,
        "migrations": migrations,
    }
