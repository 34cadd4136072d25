"""iCalendar: booking invites, the provider's private feed, and importing busy times."""

import urllib.error
import urllib.request
from datetime import UTC, date, datetime, time, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from quartier.bookings import errors
from quartier.bookings.availability import marketplace_zone
from quartier.bookings.models import BLOCKING_STATUSES, Booking, BusyTime, Schedule
from quartier.bookings.services.schedule import check_calendar_url
from quartier.platform.errors import ApplicationError

PRODUCT_ID = "-//Quartier//Bookings//EN"
IMPORT_MAX_BYTES = 1024 * 1024
IMPORT_TIMEOUT_SECONDS = 5
FEED_HORIZON = timedelta(days=366)


def _uid(booking: Booking) -> str:
    # The schema keeps UIDs unique across tenants (booking ids repeat between them).
    return f"booking-{connection.schema_name}-{booking.pk}@{settings.PLATFORM_DOMAIN}"


def _event(booking: Booking, *, summary: str, sequence: int) -> Event:
    event = Event()
    event.add("uid", _uid(booking))
    event.add("dtstamp", timezone.now())
    event.add("dtstart", booking.starts_at)
    event.add("dtend", booking.ends_at)
    event.add("summary", summary)
    if booking.postal_code or (booking.listing and booking.listing.postal_code):
        event.add("location", booking.postal_code or booking.listing.postal_code)
    event.add("sequence", sequence)  # the number of changes: calendars keep the latest
    event.add(
        "status",
        "CONFIRMED"
        if booking.status in (Booking.Status.CONFIRMED, Booking.Status.COMPLETED)
        else ("CANCELLED" if booking.status.startswith("cancelled") else "TENTATIVE"),
    )
    return event


def _title(booking: Booking) -> str:
    return booking.listing.title if booking.listing else booking.category.name_in("en")


def booking_invite(booking: Booking, *, cancelled: bool = False) -> bytes:
    """An .ics invite (METHOD:REQUEST) or cancellation (METHOD:CANCEL) for one booking."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "REQUEST")
    calendar.add_component(
        _event(booking, summary=_title(booking), sequence=booking.events.count())
    )
    return calendar.to_ical()


def provider_feed(schedule: Schedule) -> bytes:
    """The provider's private feed: every booking that holds their time, a year ahead."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"Quartier – {schedule.provider.display_name}")
    now = timezone.now()
    bookings = (
        Booking.objects.filter(
            provider_id=schedule.provider_id,
            status__in=BLOCKING_STATUSES,
            starts_at__gte=now - timedelta(days=30),
            starts_at__lte=now + FEED_HORIZON,
        )
        .select_related("listing", "category", "customer")
        .annotate(changes=Count("events"))
        .order_by("starts_at")
    )
    for booking in bookings:
        first_name = booking.customer.display_name.split(" ")[0]
        summary = f"{_title(booking)} – {first_name}"
        calendar.add_component(_event(booking, summary=summary, sequence=booking.changes))
    return calendar.to_ical()


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    # A redirect could lead into our own network after the address check passed.
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        raise urllib.error.HTTPError(newurl, code, "redirects are not followed", headers, fp)


def calendar_import(*, schedule: Schedule) -> int:
    """Fetch the provider's calendar URL and replace their imported busy times."""
    try:
        raw = _fetch(check_calendar_url(schedule.import_url))
        periods = list(_busy_periods(raw))
    except (ApplicationError, OSError, ValueError) as error:
        schedule.import_error = str(getattr(error, "message", error))[:300]
        schedule.save(update_fields=["import_error"])
        raise ApplicationError(
            errors.CALENDAR_UNREACHABLE,
            _("The calendar could not be read: %(import_error)s")
            % {"import_error": schedule.import_error},
            fields={"import_url": [schedule.import_error]},
        ) from error
    with transaction.atomic():
        BusyTime.objects.filter(provider_id=schedule.provider_id).delete()
        BusyTime.objects.bulk_create(
            [
                BusyTime(provider_id=schedule.provider_id, starts_at=start, ends_at=end, uid=uid)
                for start, end, uid in periods
            ]
        )
        schedule.import_synced_at, schedule.import_error = timezone.now(), ""
        schedule.save(update_fields=["import_synced_at", "import_error"])
    return len(periods)


def _fetch(url: str) -> bytes:
    opener = urllib.request.build_opener(_NoRedirects)
    # The scheme was checked (http/https only) by check_calendar_url.
    request = urllib.request.Request(  # noqa: S310
        url, headers={"User-Agent": "Quartier calendar import"}
    )
    with opener.open(request, timeout=IMPORT_TIMEOUT_SECONDS) as response:  # noqa: S310
        data = response.read(IMPORT_MAX_BYTES + 1)
    if len(data) > IMPORT_MAX_BYTES:
        raise ValueError("the calendar is larger than 1 MB")
    return data


def _busy_periods(raw: bytes):
    calendar = Calendar.from_ical(raw)
    zone = marketplace_zone()
    now = timezone.now()
    for component in calendar.walk("VEVENT"):
        if str(component.get("transp", "OPAQUE")).upper() == "TRANSPARENT":
            continue
        start, end = component.get("dtstart"), component.get("dtend")
        if start is None:
            continue
        begin = _instant(start.dt, zone)
        finish = _instant(end.dt, zone) if end is not None else begin + timedelta(days=1)
        if finish <= now or begin > now + FEED_HORIZON or finish <= begin:
            continue
        yield begin, finish, str(component.get("uid", ""))[:300]


def _instant(value, zone) -> datetime:
    if isinstance(value, datetime):
        return value.replace(tzinfo=zone) if value.tzinfo is None else value.astimezone(UTC)
    if isinstance(value, date):  # all-day events block the whole local day
        return datetime.combine(value, time.min, tzinfo=zone).astimezone(UTC)
    raise ValueError("unreadable date in the calendar")
