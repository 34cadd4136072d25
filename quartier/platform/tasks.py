"""Platform-wide background work: fanning periodic work out to every tenant."""

from celery import current_app, shared_task

from quartier.platform.tenancy import active_tenants, tenant_context


@shared_task(name="platform.fan_out", ignore_result=True)
def fleet_fan_out(*, task_name: str) -> int:
    """Queue `task_name` once per active tenant, each in its own schema; returns how many.

    The task receives `schema_name` (the tasks of bookings and trust narrow their work to
    it) and runs in that schema, so a failing tenant is retried and dead-lettered alone.
    """
    task = current_app.tasks[task_name]
    tenants = active_tenants()
    for tenant in tenants:
        with tenant_context(tenant):
            task.apply_async(kwargs={"schema_name": tenant.schema_name})
    return len(tenants)
