"""Hooks the platform calls for every tenant: on provisioning, and for `manage.py demo`."""


def tenant_initialise(*, tenant, seed) -> None:
    """Nothing to create: schedules are made when a provider first sets hours."""


def demo_seed(*, tenant, password: str, scale: float = 1.0) -> None:
    """Opening hours for the demo providers (Monday to Saturday, 08:00-19:00), then a
    booking history with reviews (quartier.bookings.demo)."""
    from datetime import time

    from quartier.bookings.demo import seed_demo_bookings
    from quartier.bookings.models import WeeklyHours
    from quartier.bookings.services.schedule import schedule_update
    from quartier.providers.models import ProviderProfile

    for provider in ProviderProfile.objects.all():
        if WeeklyHours.objects.filter(provider=provider).exists():
            continue
        schedule_update(
            provider=provider,
            weekly_hours=[
                {"weekday": day, "starts": time(8), "ends": time(19)} for day in range(6)
            ],
        )
    seed_demo_bookings(tenant=tenant, scale=scale)
