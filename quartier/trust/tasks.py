"""Periodic trust work, per tenant; every task is safe to run twice."""

from celery import shared_task

from quartier.platform.tenancy import active_tenants, tenant_context


@shared_task(name="trust.daily", ignore_result=True)
def trust_daily(*, schema_name: str | None = None) -> dict:
    """Expired approvals, lapsed re-vetting deadlines, badge expiry and warnings, and
    document retention, in every active tenant (or one)."""
    from quartier.trust.services.badges import badges_expire_due, badges_warn_expiring
    from quartier.trust.services.vetting import (
        documents_delete_due,
        requirements_expire_due,
        revetting_enforce_due,
    )

    totals = {
        "expired_approvals": 0,
        "unvetted": 0,
        "badges_expired": 0,
        "badges_warned": 0,
        "documents_deleted": 0,
    }
    for tenant in active_tenants(schema_name):
        with tenant_context(tenant):
            totals["expired_approvals"] += requirements_expire_due()
            totals["unvetted"] += revetting_enforce_due()
            totals["badges_expired"] += badges_expire_due()
            totals["badges_warned"] += badges_warn_expiring()
            totals["documents_deleted"] += documents_delete_due()
    return totals


@shared_task(name="trust.badges_recompute", ignore_result=True)
def badges_recompute_task(*, provider_id: int) -> None:
    from quartier.providers.models import ProviderProfile
    from quartier.trust.services.badges import badges_recompute

    provider = ProviderProfile.objects.filter(pk=provider_id).first()
    if provider is not None:
        badges_recompute(provider=provider)
