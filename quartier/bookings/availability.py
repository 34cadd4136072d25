"""Free slots: weekly hours in wall-clock time, minus time off, bookings and busy times.

Opening hours are wall-clock times in the marketplace's time zone (Europe/Zurich), so a
rule "Sunday 09:00-17:00" means 09:00 local on the day clocks change too. Every instant
is computed through zoneinfo: wall-clock times that do not exist (the spring-forward
gap) are skipped, and those that exist twice (the autumn fall-back) yield both instants.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _

from quartier.bookings import errors
from quartier.bookings.models import (
    BLOCKING_STATUSES,
    Booking,
    BusyTime,
    Schedule,
    TimeOff,
    WeeklyHours,
)
from quartier.marketplace.selectors import marketplace_settings
from quartier.platform.errors import ApplicationError
from quartier.providers.models import ProviderProfile

MAX_RANGE = timedelta(days=31)
DEFAULT_DURATION_MINUTES = 60


@dataclass(frozen=True, order=True)
class Slot:
    starts_at: datetime
    ends_at: datetime


Interval = tuple[datetime, datetime]


def marketplace_zone() -> ZoneInfo:
    return ZoneInfo(marketplace_settings().time_zone)


def schedule_of(provider: ProviderProfile) -> Schedule:
    schedule = Schedule.objects.filter(provider=provider).first()
    return schedule or Schedule(provider=provider)


def wall_clock_instants(day: date, at: time, zone: ZoneInfo) -> list[datetime]:
    """The real instants at which the clocks show `at` on `day` (0, 1 or 2 of them)."""
    instants = []
    for fold in (0, 1):
        local = datetime.combine(day, at, tzinfo=zone).replace(fold=fold)
        utc = local.astimezone(UTC)
        shown = utc.astimezone(zone)
        if shown.replace(tzinfo=None) == datetime.combine(day, at) and utc not in instants:
            instants.append(utc)
    return instants


def _boundary(day: date, at: time, zone: ZoneInfo) -> datetime:
    """An interval edge: the wall-clock time, or where the clocks jump over it."""
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC)


def _opening_intervals(provider, start: datetime, end: datetime, zone) -> list[Interval]:
    rules = list(WeeklyHours.objects.filter(provider=provider))
    extras = TimeOff.objects.filter(
        provider=provider, is_available=True, starts_at__lt=end, ends_at__gt=start
    )
    spans = [(extra.starts_at, extra.ends_at) for extra in extras]
    return _openings(rules, spans, start, end, zone)


def _openings(rules, extras: list[Interval], start, end, zone) -> list[Interval]:
    intervals = []
    day = start.astimezone(zone).date() - timedelta(days=1)
    while datetime.combine(day, time.min, tzinfo=zone) < end:
        for rule in rules:
            if rule.weekday == day.weekday():
                intervals.append(
                    (_boundary(day, rule.starts, zone), _boundary(day, rule.ends, zone))
                )
        day += timedelta(days=1)
    return _merge(intervals + extras)


def _merge(intervals: list[Interval]) -> list[Interval]:
    merged: list[Interval] = []
    for begin, finish in sorted(intervals):
        if merged and begin <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], finish))
        else:
            merged.append((begin, finish))
    return merged


def _blocked_intervals(
    provider, start: datetime, end: datetime, include_bookings: bool
) -> list[Interval]:
    blocked = []
    if include_bookings:
        bookings = Booking.objects.filter(
            provider=provider,
            status__in=BLOCKING_STATUSES,
            starts_at__lt=end,
            blocked_until__gt=start - timedelta(days=1),
        )
        blocked = [(b.starts_at, b.blocked_until) for b in bookings]
    blocked += [
        (t.starts_at, t.ends_at)
        for t in TimeOff.objects.filter(
            provider=provider, is_available=False, starts_at__lt=end, ends_at__gt=start
        )
    ]
    blocked += [
        (busy.starts_at, busy.ends_at)
        for busy in BusyTime.objects.filter(provider=provider, starts_at__lt=end, ends_at__gt=start)
    ]
    return blocked


def validate_range(start: datetime, end: datetime) -> None:
    if timezone.is_naive(start) or timezone.is_naive(end):
        raise ApplicationError.invalid_field(
            "from", _("Give times with a UTC offset."), code=errors.INVALID_TIME
        )
    if end <= start:
        raise ApplicationError.invalid_field(
            "to", _("The end must come after the start."), code=errors.INVALID_TIME
        )
    if end - start > MAX_RANGE:
        raise ApplicationError.invalid_field(
            "to", _("Ask for at most 31 days at a time."), code=errors.INVALID_TIME
        )


def free_slots(
    *,
    provider: ProviderProfile,
    duration_minutes: int,
    start: datetime,
    end: datetime,
    now: datetime | None = None,
    include_bookings: bool = True,
) -> list[Slot]:
    """Bookable slots starting in [start, end), on the provider's grid."""
    validate_range(start, end)
    now = now or timezone.now()
    schedule = schedule_of(provider)
    zone = marketplace_zone()
    earliest, latest = _window(schedule, start, end, now)
    if latest <= earliest:
        return []
    reach = latest + timedelta(minutes=duration_minutes + schedule.buffer_minutes)
    blocked = _blocked_intervals(provider, earliest, reach, include_bookings)
    openings = _opening_intervals(provider, earliest, latest, zone)
    return _slots(schedule, openings, blocked, duration_minutes, earliest, latest, zone)


def _window(schedule, start: datetime, end: datetime, now: datetime) -> tuple[datetime, datetime]:
    earliest = max(start, now + timedelta(minutes=schedule.lead_time_minutes))
    latest = min(end, now + timedelta(days=schedule.horizon_days))
    return earliest, latest


def _slots(schedule, openings, blocked, duration_minutes, earliest, latest, zone) -> list[Slot]:
    duration = timedelta(minutes=duration_minutes)
    buffer = timedelta(minutes=schedule.buffer_minutes)
    slots = []
    for opens, closes in openings:
        for begin in _grid(opens, closes, schedule.slot_step_minutes, zone):
            finish = begin + duration
            if not (earliest <= begin < latest) or finish > closes:
                continue
            if any(
                begin < taken_end and taken_start < finish + buffer
                for taken_start, taken_end in blocked
            ):
                continue
            slots.append(Slot(begin, finish))
    return sorted(set(slots))


def _grid(opens: datetime, closes: datetime, step_minutes: int, zone) -> list[datetime]:
    """Slot starts on the wall-clock grid (every `step` minutes from local midnight)."""
    starts = []
    day = opens.astimezone(zone).date()
    last_day = closes.astimezone(zone).date()
    while day <= last_day:
        minute = 0
        while minute < 24 * 60:
            at = time(minute // 60, minute % 60)
            for instant in wall_clock_instants(day, at, zone):
                if opens <= instant < closes:
                    starts.append(instant)
            minute += step_minutes
        day += timedelta(days=1)
    return starts


def slot_state(*, provider: ProviderProfile, starts_at: datetime, duration_minutes: int) -> str:
    """ "free", "taken" (by another booking) or "unavailable" (not a slot at all)."""
    if timezone.is_naive(starts_at):
        return "unavailable"
    window = {"start": starts_at - timedelta(hours=1), "end": starts_at + timedelta(hours=1)}
    for include_bookings, state in ((True, "free"), (False, "taken")):
        slots = free_slots(
            provider=provider,
            duration_minutes=duration_minutes,
            include_bookings=include_bookings,
            **window,
        )
        if any(slot.starts_at == starts_at for slot in slots):
            return state
    return "unavailable"


NEXT_FREE_DAYS = 14


def next_free_slots(
    *,
    wanted: list[tuple[ProviderProfile, int]],
    now: datetime | None = None,
    days: int = NEXT_FREE_DAYS,
) -> dict[tuple[int, int], Slot | None]:
    """The first free slot in the next two weeks of each (provider, duration in
    minutes), keyed by (provider id, minutes), for the results cards: one query per kind
    of calendar data for all providers together, the same rules as free_slots."""
    if not wanted:
        return {}
    now = now or timezone.now()
    zone = marketplace_zone()
    ids = list({provider.pk for provider, _minutes in wanted})
    end = now + timedelta(days=days)
    reach = end + timedelta(days=1)
    schedules = {s.provider_id: s for s in Schedule.objects.filter(provider_id__in=ids)}
    rules = _by_provider(WeeklyHours.objects.filter(provider_id__in=ids))
    extra_rows = TimeOff.objects.filter(provider_id__in=ids, starts_at__lt=reach, ends_at__gt=now)
    extras = _by_provider(row for row in extra_rows if row.is_available)
    blocked = _by_provider(row for row in extra_rows if not row.is_available)
    for row in Booking.objects.filter(
        provider_id__in=ids,
        status__in=BLOCKING_STATUSES,
        starts_at__lt=reach,
        blocked_until__gt=now - timedelta(days=1),
    ):
        blocked.setdefault(row.provider_id, []).append((row.starts_at, row.blocked_until))
    for row in BusyTime.objects.filter(provider_id__in=ids, starts_at__lt=reach, ends_at__gt=now):
        blocked.setdefault(row.provider_id, []).append(row)
    found = {}
    for provider, minutes in set(wanted):
        schedule = schedules.get(provider.pk) or Schedule(provider=provider)
        earliest, latest = _window(schedule, now, end, now)
        openings = _openings(
            rules.get(provider.pk, []),
            [(row.starts_at, row.ends_at) for row in extras.get(provider.pk, [])],
            earliest,
            latest,
            zone,
        )
        taken = [_span(item) for item in blocked.get(provider.pk, [])]
        slots = (
            _slots(schedule, openings, taken, minutes, earliest, latest, zone)
            if earliest < latest
            else []
        )
        found[(provider.pk, minutes)] = slots[0] if slots else None
    return found


def _by_provider(rows) -> dict[int, list]:
    grouped: dict[int, list] = {}
    for row in rows:
        grouped.setdefault(row.provider_id, []).append(row)
    return grouped


def _span(item) -> Interval:
    return item if isinstance(item, tuple) else (item.starts_at, item.ends_at)
