"""django-tenants' PostgreSQL backend, sending `SET search_path` only when it changes.

django-tenants forgets the applied search path on every `set_tenant()`, so each request
re-sends it, and without TENANT_LIMIT_SET_CALLS it re-sends it for every cursor. Here
`search_path_set_schemas` tracks what the server session really has: it is cleared only
when PostgreSQL may have discarded the setting (rollback, savepoint rollback, a new
connection), so a view running N queries sends at most N + 1 statements, and N when
the connection already serves that tenant.
"""

from django_tenants.postgresql_backend import base as tenants_base


class DatabaseWrapper(tenants_base.DatabaseWrapper):
    def set_tenant(self, tenant, include_public=True):
        applied = self.search_path_set_schemas
        super().set_tenant(tenant, include_public)
        self.search_path_set_schemas = applied

    def _handle_search_path(self, cursor=None):
        if self._setting_search_path or self.schema_name is None:
            return super()._handle_search_path(cursor)
        if self.search_path_set_schemas == self._get_cursor_search_paths():
            return None
        return super()._handle_search_path(cursor)

    def close(self):
        super().close()
        self.search_path_set_schemas = None

    def connect(self):
        # A new server session starts with the default search path.
        self.search_path_set_schemas = None
        super().connect()
