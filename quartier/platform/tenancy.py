"""The one place code asks "which tenant am I serving?" and switches schemas explicitly.

Code that runs outside a request (tasks, commands, shell) wraps its work in
`tenant_context(tenant)` or `public_context()`.
"""

from contextlib import contextmanager

from django.conf import settings
from django.db import connection
from django_tenants.utils import get_tenant_model, schema_context, tenant_context

__all__ = [
    "current_schema",
    "current_tenant",
    "is_public",
    "public_context",
    "tenant_context",
    "schema_context",
]


def current_schema() -> str:
    return connection.schema_name


def is_public() -> bool:
    return connection.schema_name == settings.PUBLIC_SCHEMA_NAME


def current_tenant():
    """The Tenant served on this connection, or None in the public schema."""
    if is_public():
        return None
    tenant = connection.tenant
    # A schema switched to by name only (FakeTenant) has no row attached.
    return tenant if hasattr(tenant, "pk") else None


@contextmanager
def public_context():
    with schema_context(settings.PUBLIC_SCHEMA_NAME):
        yield


def active_tenants(schema_name: str | None = None) -> list:
    """Active tenants (one, when schema_name is given), for work that visits each of them."""
    # Looked up through the setting: the kernel imports no app, not even tenants.
    Tenant = get_tenant_model()
    with public_context():
        tenants = Tenant.objects.filter(status=Tenant.Status.ACTIVE).order_by("id")
        if schema_name:
            tenants = tenants.filter(schema_name=schema_name)
        return list(tenants)
