"""Hooks the platform calls for every tenant: on provisioning, and for `manage.py demo`."""


def tenant_initialise(*, tenant, seed) -> None:
    """Runs inside a newly provisioned tenant's schema (same transaction)."""


def demo_seed(*, tenant, password: str) -> None:
    """Adds this app's sample data to a demo tenant; must be idempotent."""
