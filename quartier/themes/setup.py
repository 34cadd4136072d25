"""Hooks the platform calls for every tenant: on provisioning, and for `manage.py demo`."""

from quartier.themes.demo import demo_theme_apply


def tenant_initialise(*, tenant, seed) -> None:
    """Every new marketplace starts with an accessible default theme, published."""
    from quartier.themes.services import theme_initialise

    theme_initialise(name=tenant.name)


def demo_seed(*, tenant, password: str, scale: float = 1.0) -> None:
    """Two clearly different brands for the demo tenants (once; later edits are kept)."""
    demo_theme_apply(tenant=tenant)
