"""Reads on tenants (public schema)."""

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from quartier.platform.errors import NotFound
from quartier.tenants.models import Domain, Tenant


def tenant_list() -> QuerySet[Tenant]:
    return (
        Tenant.objects.select_related("plan")
        .prefetch_related(
            Prefetch("domains", queryset=Domain.objects.order_by("-is_primary", "domain"))
        )
        .order_by("name")
    )


def tenant_get(*, slug: str) -> Tenant:
    tenant = tenant_list().filter(slug=slug).first()
    if tenant is None:
        raise NotFound(_("No tenant with this slug."))
    return tenant


def tenant_primary_url(tenant: Tenant) -> str:
    from django.conf import settings

    domain = next((d.domain for d in tenant.domains.all() if d.is_primary), "")
    port = f":{settings.PLATFORM_PORT}" if settings.PLATFORM_PORT else ""
    return f"{settings.PLATFORM_SCHEME}://{domain}{port}/" if domain else ""
