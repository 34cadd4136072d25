from celery import shared_task

from quartier.platform.tenancy import public_context


@shared_task(name="tenants.pool_refill", ignore_result=True)
def tenant_pool_refill() -> int:
    """Top the schema pool up to TENANT_POOL_SIZE; safe to run twice."""
    from quartier.tenants.pool import pool_fill

    with public_context():
        return pool_fill()
