from quartier.tenants.management.commands.migrate_schemas import Command as MigrateSchemas


class Command(MigrateSchemas):
    """`migrate` is the fleet-aware `migrate_schemas` (as in django-tenants)."""
