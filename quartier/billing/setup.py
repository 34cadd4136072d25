"""Hooks the platform calls for every tenant: on provisioning, and for `manage.py demo`."""


def tenant_initialise(*, tenant, seed) -> None:
    """Every marketplace starts offline (no Stripe account needed) with a 10 % commission."""
    from quartier.billing.models import PayoutSettings

    PayoutSettings.objects.create()


def demo_seed(*, tenant, password: str, scale: float = 1.0) -> None:
    """The demo's past jobs were paid on site: their payments and ledger entries."""
    from quartier.billing.demo import settle_demo_history

    settle_demo_history()
