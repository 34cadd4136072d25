"""Hooks the platform calls for every tenant: on provisioning, and for `manage.py demo`."""


def tenant_initialise(*, tenant, seed) -> None:
    """Nothing to create: schedules are made when a provider first sets hours."""


def demo_seed(*, tenant, password: str, scale: float = 1.0) -> None:
    """Opening hours for the demo providers (one of three weeks: weekdays 08-18, Monday
    to Saturday 08-19, Tuesday to Saturday 09-20), then a booking history with reviews
    (quartier.bookings.demo)."""
    from datetime import time

    from quartier.bookings.demo import seed_demo_bookings
    from quartier.bookings.models import WeeklyHours
    from quartier.bookings.services.schedule import schedule_update
    from quartier.providers.models import ProviderProfile

    weeks = [(range(5), 8, 18), (range(6), 8, 19), (range(1, 6), 9, 20)]
    scheduled = set(WeeklyHours.objects.values_list("provider_id", flat=True))
    for provider in ProviderProfile.objects.exclude(pk__in=scheduled).order_by("pk"):
        days, starts, ends = weeks[provider.pk % len(weeks)]
        schedule_update(
            provider=provider,
            weekly_hours=[
                {"weekday": day, "starts": time(starts), "ends": time(ends)} for day in days
            ],
        )
    seed_demo_bookings(tenant=tenant, scale=scale)
