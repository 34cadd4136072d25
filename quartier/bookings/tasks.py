"""Background work of bookings; every task takes ids and is safe to run twice."""

from celery import shared_task

from quartier.platform.tenancy import active_tenants, tenant_context


@shared_task(name="bookings.notify", ignore_result=True)
def booking_notify(*, booking_id: int, event_id: int) -> None:
    """E-mail both parties about a booking event (runs in the tenant it was queued from).

    New booking e-mails go through the outbox (kind "bookings.notify"); this task stays
    so that messages queued before that change are still delivered.
    """
    from quartier.bookings.notifications import send_booking_event

    send_booking_event(booking_id=booking_id, event_id=event_id)


@shared_task(name="bookings.expire_due", ignore_result=True)
def bookings_expire(*, schema_name: str | None = None) -> int:
    """Expire unanswered requests; with no schema, in every active tenant."""
    from quartier.bookings.services.lifecycle import bookings_expire_due
    from quartier.bookings.services.reviews import reviews_reveal_due

    total = 0
    for tenant in active_tenants(schema_name):
        with tenant_context(tenant):
            total += bookings_expire_due()
            reviews_reveal_due()
    return total


@shared_task(name="bookings.calendar_import", ignore_result=True)
def calendar_import_task(*, provider_id: int) -> None:
    from quartier.bookings.calendars import calendar_import
    from quartier.bookings.models import Schedule
    from quartier.platform.errors import ApplicationError

    schedule = Schedule.objects.filter(provider_id=provider_id).exclude(import_url="").first()
    if schedule is None:
        return
    try:
        calendar_import(schedule=schedule)
    except ApplicationError:
        return  # recorded on the schedule (import_error) for the provider to see


@shared_task(name="bookings.dispatch_escalate", ignore_result=True)
def dispatch_escalate(*, schema_name: str | None = None) -> int:
    """Widen urgent requests nobody took in time (rings 2 and 3); per tenant."""
    from quartier.bookings.services.dispatch import broadcasts_escalate_due

    total = 0
    for tenant in active_tenants(schema_name):
        with tenant_context(tenant):
            total += broadcasts_escalate_due()
    return total
