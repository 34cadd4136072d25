"""The one dispatcher of side effects; kicked after commit and swept by celery beat."""

from celery import shared_task

from quartier.platform.tenancy import active_tenants, tenant_context


@shared_task(name="outbox.dispatch", ignore_result=True)
def outbox_dispatch_task(*, schema_name: str | None = None) -> int:
    """Deliver due outbox rows: of `schema_name` (the beat sweep), else of this schema."""
    from quartier.outbox.services import outbox_dispatch

    if schema_name is None:
        return outbox_dispatch()
    delivered = 0
    for tenant in active_tenants(schema_name):
        with tenant_context(tenant):
            delivered += outbox_dispatch()
    return delivered
