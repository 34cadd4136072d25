"""Background work of the marketplace app; every task is safe to run twice."""

from celery import shared_task

from quartier.platform.tenancy import active_tenants, tenant_context


@shared_task(name="marketplace.idempotency_keys_expire", ignore_result=True)
def idempotency_keys_expire_task(*, schema_name: str | None = None) -> int:
    """Delete idempotency keys past their 24 hours; with no schema, in every active tenant."""
    from quartier.marketplace.idempotency import idempotency_keys_expire

    total = 0
    for tenant in active_tenants(schema_name):
        with tenant_context(tenant):
            total += idempotency_keys_expire()
    return total
