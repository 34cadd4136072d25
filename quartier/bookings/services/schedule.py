"""A provider's weekly hours, time off, booking rules and calendar links."""

import ipaddress
import secrets
import socket
from datetime import time
from urllib.parse import urlparse

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext

from quartier.bookings import errors
from quartier.bookings.models import BusyTime, Schedule, TimeOff, WeeklyHours
from quartier.platform.errors import ApplicationError
from quartier.providers.models import ProviderProfile

MAX_RULES = 21


def schedule_get_or_create(provider: ProviderProfile) -> Schedule:
    schedule, _ = Schedule.objects.get_or_create(provider=provider)
    return schedule


@transaction.atomic
def schedule_update(
    *, provider: ProviderProfile, weekly_hours: list[dict] | None = None, **rules
) -> Schedule:
    schedule = schedule_get_or_create(provider)
    for field, value in rules.items():
        if field == "import_url":
            value = check_calendar_url(value) if value else ""
        setattr(schedule, field, value)
    schedule.save()
    if weekly_hours is not None:
        _replace_hours(provider, weekly_hours)
    return schedule


def _replace_hours(provider: ProviderProfile, weekly_hours: list[dict]) -> None:
    if len(weekly_hours) > MAX_RULES:
        raise ApplicationError.invalid_field(
            "weekly_hours", gettext("At most %(max_rules)s periods.") % {"max_rules": MAX_RULES}
        )
    rows = []
    for entry in weekly_hours:
        starts, ends = entry["starts"], entry["ends"]
        if not isinstance(starts, time) or not isinstance(ends, time) or ends <= starts:
            raise ApplicationError.invalid_field(
                "weekly_hours",
                gettext("Each period must end after it starts."),
                code=errors.INVALID_TIME,
            )
        rows.append(
            WeeklyHours(provider=provider, weekday=entry["weekday"], starts=starts, ends=ends)
        )
    by_day: dict[int, list] = {}
    for row in sorted(rows, key=lambda r: (r.weekday, r.starts)):
        previous = by_day.setdefault(row.weekday, [])
        if previous and previous[-1].ends > row.starts:
            raise ApplicationError.invalid_field(
                "weekly_hours", gettext("Periods of one day overlap."), code=errors.INVALID_TIME
            )
        previous.append(row)
    WeeklyHours.objects.filter(provider=provider).delete()
    WeeklyHours.objects.bulk_create(rows)


@transaction.atomic
def time_off_add(
    *, provider: ProviderProfile, starts_at, ends_at, is_available: bool = False, note: str = ""
) -> TimeOff:
    if ends_at <= starts_at:
        raise ApplicationError.invalid_field(
            "ends_at", gettext("The end must come after the start."), code=errors.INVALID_TIME
        )
    if (ends_at - starts_at).days > 366:
        raise ApplicationError.invalid_field(
            "ends_at", gettext("At most a year at a time."), code=errors.INVALID_TIME
        )
    return TimeOff.objects.create(
        provider=provider,
        starts_at=starts_at,
        ends_at=ends_at,
        is_available=is_available,
        note=note.strip()[:200],
    )


@transaction.atomic
def time_off_remove(*, time_off: TimeOff) -> None:
    time_off.delete()


@transaction.atomic
def feed_token_rotate(*, provider: ProviderProfile) -> Schedule:
    """A new secret for the iCal feed: every old link stops working at once."""
    schedule = schedule_get_or_create(provider)
    schedule.feed_token = secrets.token_urlsafe(32)
    schedule.save(update_fields=["feed_token"])
    return schedule


@transaction.atomic
def calendar_import_remove(*, provider: ProviderProfile) -> Schedule:
    """Stop reading the helper's own calendar; its busy times stop blocking slots."""
    schedule = schedule_get_or_create(provider)
    schedule.import_url, schedule.import_error, schedule.import_synced_at = "", "", None
    schedule.save(update_fields=["import_url", "import_error", "import_synced_at"])
    BusyTime.objects.filter(provider=provider).delete()
    return schedule


def check_calendar_url(url: str) -> str:
    """An http(s) calendar URL that does not point into our own network (SSRF guard)."""
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise ApplicationError.invalid_field(
            "import_url", gettext("Give an http(s) calendar URL."), code=errors.INVALID_URL
        )
    if not settings.CALENDAR_IMPORT_ALLOW_PRIVATE and _is_private(parsed.hostname):
        raise ApplicationError.invalid_field(
            "import_url",
            gettext("This address is not reachable from the internet."),
            code=errors.INVALID_URL,
        )
    return url


def _is_private(hostname: str) -> bool:
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(hostname, None)}
    except (socket.gaierror, UnicodeError):
        return True
    return any(not ipaddress.ip_address(address.split("%")[0]).is_global for address in addresses)
