from celery import shared_task

from quartier.platform.tenancy import public_context


@shared_task(name="tenants.pool_refill", ignore_result=True)
def tenant_pool_refill() -> int:
    """Top the schema pool up to TENANT_POOL_SIZE; safe to run twice."""
    from quartier.tenants.pool import pool_fill

    with public_context():
        return pool_fill()


@shared_task(name="tenants.invoices_issue", ignore_result=True)
def tenant_invoices_issue_task(*, period: str | None = None) -> int:
    """Monthly: queue each tenant's invoice for `period` (default: last month)."""
    from django.utils import timezone

    from quartier.tenants.invoicing import Period, tenant_invoices_queue

    billed = Period.parse(period) if period else Period.before(timezone.localdate())
    return len(tenant_invoices_queue(period=billed))


@shared_task(name="tenants.invoice_issue", ignore_result=True)
def tenant_invoice_issue_task(*, tenant_id: int, period: str) -> None:
    """One tenant's invoice for one month; safe to run twice (idempotent per month)."""
    from quartier.tenants.invoicing import Period, tenant_invoice_issue
    from quartier.tenants.models import Tenant

    with public_context():
        tenant = Tenant.objects.select_related("plan").get(pk=tenant_id)
        tenant_invoice_issue(tenant=tenant, period=Period.parse(period))
