"""Hooks the platform calls for every tenant: on provisioning, and for `manage.py demo`."""

from quartier.catalog.services.categories import categories_create_defaults


def tenant_initialise(*, tenant, seed) -> None:
    """Runs inside a newly provisioned tenant's schema (same transaction)."""
    categories_create_defaults()


def demo_seed(*, tenant, password: str, scale: float = 1.0) -> None:
    """Adds this app's sample data to a demo tenant; must be idempotent."""
    from quartier.catalog.demo import seed_demo_catalog, seed_demo_neighbourhood

    seed_demo_catalog(tenant=tenant, password=password)
    seed_demo_neighbourhood(tenant=tenant, password=password, scale=scale)
