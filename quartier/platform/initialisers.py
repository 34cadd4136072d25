"""What each app contributes to a new tenant and to the demo, registered in AppConfig.ready.

`tenant_provision` runs every tenant initialiser inside the freshly claimed schema, in
order, in its transaction; `manage.py demo` runs every demo seeder inside each demo
tenant. The order numbers say who needs whom (the first admin before anything that
names them; marketplace settings before the apps that read them).
"""

from collections.abc import Callable

_tenant_initialisers: dict[Callable, int] = {}
_demo_seeders: dict[Callable, int] = {}


def tenant_initialiser_register(function: Callable, *, order: int) -> None:
    """`function(tenant=..., seed=...)` completes every new tenant; idempotent."""
    _tenant_initialisers[function] = order


def tenant_initialiser_unregister(function: Callable) -> None:
    _tenant_initialisers.pop(function, None)


def demo_seeder_register(function: Callable, *, order: int) -> None:
    """`function(tenant=..., password=..., scale=1.0)` adds an app's sample data;
    idempotent. `scale` multiplies the generated numbers (the tests seed 0.2)."""
    _demo_seeders[function] = order


def tenant_initialisers() -> list[Callable]:
    return sorted(_tenant_initialisers, key=_tenant_initialisers.__getitem__)


def demo_seeders() -> list[Callable]:
    return sorted(_demo_seeders, key=_demo_seeders.__getitem__)
