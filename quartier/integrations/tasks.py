"""Webhook deliveries: queued after each event, swept each minute for due retries."""

from celery import shared_task

from quartier.platform.tenancy import active_tenants, tenant_context


@shared_task(name="integrations.deliver", ignore_result=True)
def webhooks_deliver_task(*, schema_name: str | None = None) -> int:
    from quartier.integrations.webhooks import webhooks_deliver_due

    if schema_name is None:
        return webhooks_deliver_due()
    delivered = 0
    for tenant in active_tenants(schema_name):
        with tenant_context(tenant):
            delivered += webhooks_deliver_due()
    return delivered
