"""One month of a helper's calendar, day by day: weekly hours, time off, extra hours,
busy times read from their own calendar, and their bookings (in the marketplace's zone).

A fixed number of queries whatever the month holds: each kind of row is read once for
the whole month and sorted into its days here.
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from quartier.bookings.availability import marketplace_zone
from quartier.bookings.models import BLOCKING_STATUSES, Booking, BusyTime, TimeOff, WeeklyHours
from quartier.providers.models import ProviderProfile

MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass
class Day:
    day: date
    hours: list = field(default_factory=list)  # (starts, ends) wall-clock times
    time_off: list = field(default_factory=list)  # (TimeOff row, covers the whole day)
    extra: list = field(default_factory=list)  # TimeOff rows with is_available
    busy: list = field(default_factory=list)  # BusyTime rows
    bookings: list = field(default_factory=list)
    is_today: bool = False

    @property
    def is_off(self) -> bool:
        """Off all day (time off for a few hours leaves the rest of the day)."""
        return any(whole for _, whole in self.time_off)

    @property
    def is_empty(self) -> bool:
        return not (self.hours or self.time_off or self.extra or self.busy or self.bookings)


def month_of(value: str | None, today: date) -> date:
    """The first day of the month asked for (?month=2026-12); a bad value is this month."""
    found = MONTH.match(value or "")
    if found:
        year, month = int(found.group(1)), int(found.group(2))
        if 2000 <= year <= 2100 and 1 <= month <= 12:
            return date(year, month, 1)
    return today.replace(day=1)


def next_month(first: date) -> date:
    return (first + timedelta(days=32)).replace(day=1)


def previous_month(first: date) -> date:
    return (first - timedelta(days=1)).replace(day=1)


def month_days(provider: ProviderProfile, first: date, today: date) -> list[Day]:
    zone = marketplace_zone()
    last = next_month(first)
    start = datetime.combine(first, time.min, tzinfo=zone)
    end = datetime.combine(last, time.min, tzinfo=zone)
    days = {
        first + timedelta(days=n): Day(first + timedelta(days=n))
        for n in range((last - first).days)
    }
    for day in days.values():
        day.is_today = day.day == today
    weekly: dict[int, list] = {}
    for rule in WeeklyHours.objects.filter(provider=provider).order_by("starts"):
        weekly.setdefault(rule.weekday, []).append((rule.starts, rule.ends))
    for day in days.values():
        day.hours = weekly.get(day.day.weekday(), [])
    periods = TimeOff.objects.filter(provider=provider, starts_at__lt=end, ends_at__gt=start)
    for period in periods.order_by("starts_at"):
        for day in _days_touched(period.starts_at, period.ends_at, zone, days):
            if period.is_available:
                day.extra.append(period)
                continue
            day_start = datetime.combine(day.day, time.min, tzinfo=zone)
            day_end = datetime.combine(day.day + timedelta(days=1), time.min, tzinfo=zone)
            whole = period.starts_at <= day_start and period.ends_at >= day_end
            day.time_off.append((period, whole))
    busy = BusyTime.objects.filter(provider=provider, starts_at__lt=end, ends_at__gt=start)
    for period in busy.order_by("starts_at")[:500]:
        for day in _days_touched(period.starts_at, period.ends_at, zone, days):
            day.busy.append(period)
    bookings = (
        Booking.objects.filter(
            provider=provider,
            status__in=BLOCKING_STATUSES,
            starts_at__gte=start,
            starts_at__lt=end,
        )
        .select_related("listing", "category", "customer")
        .order_by("starts_at")
    )
    for booking in bookings:
        days[booking.starts_at.astimezone(zone).date()].bookings.append(booking)
    return list(days.values())


def month_periods(provider: ProviderProfile, first: date) -> list[TimeOff]:
    """Time off and extra hours reaching into the month, each once (to remove them)."""
    zone = marketplace_zone()
    start = datetime.combine(first, time.min, tzinfo=zone)
    end = datetime.combine(next_month(first), time.min, tzinfo=zone)
    periods = list(
        TimeOff.objects.filter(provider=provider, starts_at__lt=end, ends_at__gt=start).order_by(
            "starts_at"
        )
    )
    for period in periods:
        # Time off ends at the midnight after its last day; that last day is shown.
        period.last_moment = period.ends_at - timedelta(minutes=1)
    return periods


def _days_touched(starts_at, ends_at, zone, days: dict) -> list[Day]:
    first = starts_at.astimezone(zone).date()
    # A period ending at midnight does not reach into the next day.
    last = (ends_at - timedelta(microseconds=1)).astimezone(zone).date()
    touched, day = [], first
    while day <= last:
        if day in days:
            touched.append(days[day])
        day += timedelta(days=1)
    return touched
