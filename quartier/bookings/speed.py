"""How fast help arrives (issue 17, item 5): per request, the time to the first offer
and to the acceptance; per category and week, the medians and the share of requests
accepted within 60 minutes.

A request is a booking request (a slot, preferred windows or an urgent broadcast) or a
task request. Its first offer is a helper's first answer that proposes to do the job:
accepting or counter-proposing a booking request, taking a broadcast, or an offer on a
task. Its acceptance is the moment the job was agreed: the booking request accepted by
a helper, the broadcast taken, or the task's offer accepted by the customer (which makes
its booking). Times are measured from the stored rows; a request younger than the hour
only counts once accepted, so a fresh one never lowers the share unfairly.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Min, OuterRef, Subquery
from django.utils import timezone

from quartier.bookings.models import Booking, BookingEvent, BookingStatus
from quartier.catalog.models import TaskRequest

WITHIN = timedelta(minutes=60)
WEEKS = 12
RECENT = 20
# Booking actions by which a helper offers to do the job.
OFFER_ACTIONS = {"accept", "counter", "broadcast_accept"}
# ...and the customer's acceptance of a helper's counter-proposal.
AGREE_ACTIONS = OFFER_ACTIONS | {"accept_counter"}


@dataclass(frozen=True)
class RequestSpeed:
    kind: str  # "booking" or "task"
    pk: int
    category_slug: str
    category_names: dict
    asked_at: datetime
    first_offer: timedelta | None
    accepted: timedelta | None

    @property
    def accepted_within(self) -> bool:
        return self.accepted is not None and self.accepted <= WITHIN


@dataclass(frozen=True)
class SpeedRow:
    """One category in one week (week: Monday 00:00, local time)."""

    category_slug: str
    category_names: dict
    week: datetime
    counted: int
    accepted_within: int
    median_first_offer: timedelta | None
    median_accepted: timedelta | None

    @property
    def share_percent(self) -> int | None:
        return round(100 * self.accepted_within / self.counted) if self.counted else None


@dataclass(frozen=True)
class DispatchSpeed:
    recent: list[RequestSpeed]  # newest first
    rows: list[SpeedRow]  # newest week first, then category slug
    weekly_share: list[tuple[datetime, int | None]]  # oldest week first, percent


def _week_start(moment: datetime) -> datetime:
    local = timezone.localtime(moment)
    monday = local - timedelta(days=local.weekday())
    return monday.replace(hour=0, minute=0, second=0, microsecond=0)


def _median(values: list[timedelta]) -> timedelta | None:
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def _booking_requests(since: datetime) -> list[RequestSpeed]:
    bookings = list(
        Booking.objects.filter(created_at__gte=since)
        .exclude(kind=Booking.Kind.OFFER)  # measured as its task request
        .values("pk", "created_at", "category__slug", "category__names")
    )
    offered: dict[int, datetime] = {}
    accepted: dict[int, datetime] = {}
    events = BookingEvent.objects.filter(
        booking_id__in=[row["pk"] for row in bookings], data__action__in=sorted(AGREE_ACTIONS)
    ).order_by("created_at", "id")
    rows = events.values_list("booking_id", "created_at", "to_status", "data__action")
    for booking_id, at, to_status, action in rows:
        if action in OFFER_ACTIONS:
            offered.setdefault(booking_id, at)
        if to_status == BookingStatus.ACCEPTED:
            accepted.setdefault(booking_id, at)
    return [
        RequestSpeed(
            kind="booking",
            pk=row["pk"],
            category_slug=row["category__slug"],
            category_names=row["category__names"] or {},
            asked_at=row["created_at"],
            first_offer=offered[row["pk"]] - row["created_at"] if row["pk"] in offered else None,
            accepted=accepted[row["pk"]] - row["created_at"] if row["pk"] in accepted else None,
        )
        for row in bookings
    ]


def _task_requests(since: datetime) -> list[RequestSpeed]:
    agreed = Booking.objects.filter(offer__task=OuterRef("pk")).order_by("created_at")
    tasks = (
        TaskRequest.objects.filter(created_at__gte=since)
        .annotate(
            first_offer_at=Min("offers__created_at"),
            accepted_at=Subquery(agreed.values("created_at")[:1]),
        )
        .values(
            "pk", "created_at", "category__slug", "category__names", "first_offer_at", "accepted_at"
        )
    )
    return [
        RequestSpeed(
            kind="task",
            pk=row["pk"],
            category_slug=row["category__slug"],
            category_names=row["category__names"] or {},
            asked_at=row["created_at"],
            first_offer=row["first_offer_at"] - row["created_at"]
            if row["first_offer_at"]
            else None,
            accepted=row["accepted_at"] - row["created_at"] if row["accepted_at"] else None,
        )
        for row in tasks
    ]


def _counts(request: RequestSpeed, now: datetime) -> bool:
    return request.accepted is not None or request.asked_at <= now - WITHIN


def dispatch_speed(*, now: datetime | None = None) -> DispatchSpeed:
    """The last WEEKS weeks of requests, in three queries."""
    now = now or timezone.now()
    this_week = _week_start(now)
    weeks = [this_week - timedelta(weeks=offset) for offset in range(WEEKS - 1, -1, -1)]
    requests = _booking_requests(weeks[0]) + _task_requests(weeks[0])
    requests.sort(key=lambda request: (request.asked_at, request.kind, request.pk), reverse=True)

    groups: dict[tuple[datetime, str], list[RequestSpeed]] = defaultdict(list)
    per_week: dict[datetime, list[RequestSpeed]] = defaultdict(list)
    for request in requests:
        if not _counts(request, now):
            continue
        week = _week_start(request.asked_at)
        groups[(week, request.category_slug)].append(request)
        per_week[week].append(request)

    rows = [
        SpeedRow(
            category_slug=slug,
            category_names=members[0].category_names,
            week=week,
            counted=len(members),
            accepted_within=sum(member.accepted_within for member in members),
            median_first_offer=_median([m.first_offer for m in members if m.first_offer]),
            median_accepted=_median([m.accepted for m in members if m.accepted]),
        )
        for (week, slug), members in sorted(
            groups.items(), key=lambda item: (-item[0][0].timestamp(), item[0][1])
        )
    ]
    weekly_share = []
    for week in weeks:
        members = per_week.get(week, [])
        share = (
            round(100 * sum(m.accepted_within for m in members) / len(members)) if members else None
        )
        weekly_share.append((week, share))
    return DispatchSpeed(recent=requests[:RECENT], rows=rows, weekly_share=weekly_share)


@dataclass(frozen=True)
class SpeedSummary:
    """One tenant's last `days`: the operator console's line."""

    counted: int
    accepted_within: int
    median_accepted: timedelta | None

    @property
    def share_percent(self) -> int | None:
        return round(100 * self.accepted_within / self.counted) if self.counted else None


def speed_summary(*, now: datetime | None = None, days: int = 28) -> SpeedSummary:
    """The current tenant's requests of the last `days`, in three queries."""
    now = now or timezone.now()
    since = now - timedelta(days=days)
    requests = [
        request
        for request in _booking_requests(since) + _task_requests(since)
        if _counts(request, now)
    ]
    return SpeedSummary(
        counted=len(requests),
        accepted_within=sum(request.accepted_within for request in requests),
        median_accepted=_median([r.accepted for r in requests if r.accepted]),
    )
