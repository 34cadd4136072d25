"""Reads on tenants (public schema)."""

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from quartier.platform.errors import NotFound
from quartier.platform.models import DeadLetter
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


def dead_letter_list(*, is_retried: bool | None = None) -> QuerySet[DeadLetter]:
    """Dead letters, newest first; only open (or only retried) ones when asked."""
    dead_letters = DeadLetter.objects.order_by("-created_at", "-id")
    if is_retried is not None:
        dead_letters = dead_letters.filter(retried_at__isnull=not is_retried)
    return dead_letters


def dead_letter_get(*, pk: int) -> DeadLetter:
    dead_letter = DeadLetter.objects.filter(pk=pk).first()
    if dead_letter is None:
        raise NotFound(_("No dead letter with this id."))
    return dead_letter


def dead_letter_open_count() -> int:
    return DeadLetter.objects.filter(retried_at__isnull=True).count()
