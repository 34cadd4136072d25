"""Hooks the platform calls for every tenant: on provisioning, and for `manage.py demo`."""


def tenant_initialise(*, tenant, seed) -> None:
    """Every marketplace starts offline (no Stripe account needed) with a 10 % commission."""
    from quartier.billing.models import PayoutSettings

    PayoutSettings.objects.create()


def demo_seed(*, tenant, password: str) -> None:
    """Nothing to add: demo bookings are paid on site until a tenant connects Stripe."""
