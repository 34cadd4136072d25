"""Reads for the back office: the lists it shows and the analytics (ORM aggregates)."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import (
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import TruncWeek
from django.utils import timezone
from django.utils.translation import gettext as _

from quartier.accounts.models import User
from quartier.billing.models import Payment
from quartier.billing.services.settings import payout_settings_get
from quartier.bookings.models import Booking, BookingEvent, BookingStatus, Review
from quartier.catalog.models import Listing
from quartier.catalog.selectors.ratings import Rating, provider_rating, rating_of
from quartier.providers.models import ProviderProfile
from quartier.trust.models import Application

WEEKS = 12
TOP_PROVIDERS = 10
ANSWERED_STATUSES = (BookingStatus.ACCEPTED, BookingStatus.DECLINED)


def users_for_back_office() -> QuerySet[User]:
    return User.objects.order_by("role", "email")


def user_get_for_back_office(*, user_id: int) -> User:
    from quartier.platform.errors import NotFound

    user = User.objects.filter(pk=user_id).first()
    if user is None:
        raise NotFound(_("No such user."))
    return user


def applications_by_status(status: str | None) -> QuerySet[Application]:
    applications = Application.objects.select_related("provider__user").order_by(
        "-submitted_at", "-id"
    )
    return applications.filter(status=status) if status else applications


def listings_for_moderation() -> QuerySet[Listing]:
    return Listing.objects.select_related("provider__user", "category").order_by(
        "-updated_at", "-id"
    )[:100]


def reviews_for_moderation() -> QuerySet[Review]:
    return Review.objects.select_related("author", "booking").order_by("-created_at", "-id")[:100]


class Median(Func):
    """PostgreSQL's percentile_cont(0.5) as an ORM aggregate (works on intervals too)."""

    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    contains_aggregate = True
    window_compatible = False


@dataclass(frozen=True)
class WeekValue:
    week: datetime  # Monday 00:00 of the week (in the current time zone)
    value: int


@dataclass(frozen=True)
class CategoryCount:
    names: dict
    slug: str
    bookings: int


@dataclass(frozen=True)
class ProviderRating:
    provider_id: int
    display_name: str
    rating: Rating


@dataclass(frozen=True)
class Analytics:
    currency: str
    bookings_per_week: list[WeekValue]
    revenue_per_week: list[WeekValue]  # integer minor units of `currency`
    top_categories: list[CategoryCount]
    median_response: timedelta | None
    requests_counted: int  # requests older than an hour
    answered_within_hour: int
    # Every published review of a provider, by the one rule (catalog.selectors.ratings).
    rating: Rating
    # The providers with the most published reviews, each as shown on the storefront.
    provider_ratings: list["ProviderRating"]

    @property
    def share_answered_within_hour(self) -> float | None:
        """0..1, or None when there were no requests to answer."""
        if not self.requests_counted:
            return None
        return self.answered_within_hour / self.requests_counted


def _week_start(moment: datetime) -> datetime:
    local = timezone.localtime(moment)
    monday = local - timedelta(days=local.weekday())
    return monday.replace(hour=0, minute=0, second=0, microsecond=0)


def _weeks(now: datetime) -> list[datetime]:
    this_week = _week_start(now)
    return [this_week - timedelta(weeks=offset) for offset in range(WEEKS - 1, -1, -1)]


def _fill(weeks: list[datetime], rows) -> list[WeekValue]:
    by_week = {timezone.localtime(row["week"]).date(): row["value"] or 0 for row in rows}
    return [WeekValue(week=week, value=int(by_week.get(week.date(), 0))) for week in weeks]


def analytics(*, now: datetime | None = None) -> Analytics:
    """The back office's numbers for the last 12 weeks, in seven queries."""
    now = now or timezone.now()
    weeks = _weeks(now)
    since = weeks[0]
    currency = payout_settings_get().currency

    bookings_rows = (
        Booking.objects.filter(created_at__gte=since)
        .annotate(week=TruncWeek("created_at"))
        .values("week")
        .annotate(value=Count("id"))
        .order_by("week")
    )
    revenue_rows = (
        Payment.objects.filter(captured_at__gte=since, currency=currency, captured_minor__gt=0)
        .annotate(week=TruncWeek("captured_at"))
        .values("week")
        .annotate(value=Sum("captured_minor"))
        .order_by("week")
    )
    top_rows = (
        Booking.objects.filter(created_at__gte=since)
        .values("category__slug", "category__names")
        .annotate(bookings=Count("id"))
        .order_by("-bookings", "category__slug")[:5]
    )

    # First response: from the request event to the provider's accept or decline.
    requested_at = (
        BookingEvent.objects.filter(booking=OuterRef("pk"), to_status=BookingStatus.REQUESTED)
        .order_by("created_at", "id")
        .values("created_at")[:1]
    )
    answered_at = (
        BookingEvent.objects.filter(
            booking=OuterRef("pk"),
            from_status=BookingStatus.REQUESTED,
            to_status__in=ANSWERED_STATUSES,
        )
        .order_by("created_at", "id")
        .values("created_at")[:1]
    )
    # Only requests at least an hour old count: a fresh one may still be answered in time.
    responses = (
        Booking.objects.filter(created_at__gte=since, created_at__lte=now - timedelta(hours=1))
        .annotate(requested_at=Subquery(requested_at), answered_at=Subquery(answered_at))
        .filter(requested_at__isnull=False)
        .annotate(
            delay=ExpressionWrapper(
                F("answered_at") - F("requested_at"), output_field=DurationField()
            )
        )
        .aggregate(
            median=Median("delay", output_field=DurationField()),
            counted=Count("id"),
            within_hour=Count("id", filter=Q(delay__lte=timedelta(hours=1))),
        )
    )
    # Published reviews only, like the providers' own counters: sealed ones are not
    # known to anyone yet, hidden ones were taken down.
    ratings = Review.objects.filter(
        direction=Review.Direction.OF_PROVIDER, is_hidden=False, revealed_at__isnull=False
    ).aggregate(total=Sum("rating"), count=Count("id"))
    most_reviewed = ProviderProfile.objects.filter(rating_count__gt=0).order_by(
        "-rating_count", "display_name", "id"
    )[:TOP_PROVIDERS]

    return Analytics(
        currency=currency,
        bookings_per_week=_fill(weeks, bookings_rows),
        revenue_per_week=_fill(weeks, revenue_rows),
        top_categories=[
            CategoryCount(
                names=row["category__names"] or {},
                slug=row["category__slug"],
                bookings=row["bookings"],
            )
            for row in top_rows
        ],
        median_response=responses["median"],
        requests_counted=responses["counted"],
        answered_within_hour=responses["within_hour"],
        rating=rating_of(count=ratings["count"], total=ratings["total"] or 0, minimum=1),
        provider_ratings=[
            ProviderRating(
                provider_id=profile.pk,
                display_name=profile.display_name,
                rating=provider_rating(profile),
            )
            for profile in most_reviewed
        ],
    )
