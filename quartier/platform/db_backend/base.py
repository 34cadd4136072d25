"""django-tenants' PostgreSQL backend, sending `SET search_path` only when it changes.

django-tenants forgets the applied search path on every `set_tenant()`, so each request
re-sends it, and without TENANT_LIMIT_SET_CALLS it re-sends it for every cursor. Here
`search_path_set_schemas` tracks what the server session really has: it is cleared only
when PostgreSQL may have discarded the setting (rollback, savepoint rollback, a new
connection), so a view running N queries sends at most N + 1 statements, and N when
the connection already serves that tenant.

A PostgreSQL backend keeps the catalog entries (relation cache, catalog cache) of every
table and index it has opened until it exits: a persistent connection that serves many
tenants grows by the relations of each schema it touched (docs/scaling.md measures it).
`schemas_served` counts the distinct tenant schemas this server session has queried, and
`recycle_if_served_many` closes the connection before it takes a new tenant once it has
served DATABASE_TENANTS_PER_CONNECTION of them; Django opens a fresh one on the next
query, whose backend starts small again.
"""

from django.conf import settings
from django_tenants.postgresql_backend import base as tenants_base
from django_tenants.utils import get_public_schema_name

from quartier.platform import content_version


class DatabaseWrapper(tenants_base.DatabaseWrapper):
    def __init__(self, *args, **kwargs):
        self.schemas_served: set[str] = set()
        super().__init__(*args, **kwargs)
        # Every write moves its tenant's content version (cached public responses);
        # schema -> the after-commit callback this transaction has queued for it.
        self.content_version_pending: dict = {}
        self.execute_wrappers.append(content_version.watch)

    def set_tenant(self, tenant, include_public=True):
        applied = self.search_path_set_schemas
        super().set_tenant(tenant, include_public)
        self.search_path_set_schemas = applied

    def _handle_search_path(self, cursor=None):
        if self._setting_search_path or self.schema_name is None:
            return super()._handle_search_path(cursor)
        if self.search_path_set_schemas == self._get_cursor_search_paths():
            return None
        result = super()._handle_search_path(cursor)
        if self.schema_name != get_public_schema_name():
            self.schemas_served.add(self.schema_name)
        return result

    def recycle_if_served_many(self, schema_name: str) -> bool:
        """Close the connection if it has served its budget of tenants and this is a new one.

        Only between requests or tasks: never inside a transaction. Returns True when the
        connection was closed (the next query opens a new server session).
        """
        limit = getattr(settings, "DATABASE_TENANTS_PER_CONNECTION", 0)
        if (
            not limit
            or self.connection is None
            or schema_name == get_public_schema_name()
            or schema_name in self.schemas_served
            or len(self.schemas_served) < limit
            or self.in_atomic_block
        ):
            return False
        self.close()
        return True

    def close(self):
        super().close()
        self.search_path_set_schemas = None
        if self.connection is None:
            self.schemas_served = set()

    def connect(self):
        # A new server session starts with the default search path and empty caches.
        self.search_path_set_schemas = None
        self.schemas_served = set()
        super().connect()
