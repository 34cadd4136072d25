"""Booking history for the demo marketplaces (`make demo`): past jobs with two-way
reviews, a few cancellations, and upcoming requests, so dashboards, profiles and
analytics have something to show.

The few cancellations and upcoming requests go through the real services (request a
free slot, accept, confirm, cancel). The hundreds of past jobs are written in bulk
(`history_add`): going through the lifecycle costs ~100 queries a job and would take
minutes. The bulk rows are what the lifecycle leaves behind — the booking completed,
its four events (requested, accepted, confirmed, completed), two revealed reviews —
and the provider's facts then change through the providers' services once per
provider (completed jobs, rating; trust's rule badges follow). Billing's demo seeder
settles the history's payments and ledger afterwards (quartier.billing.demo).

It runs in one transaction per tenant: fast (no commit per step), and the requests'
notifications can be dropped before they are mailed to made-up addresses.
"""

import random
from collections import Counter
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone

from quartier.accounts.models import User
from quartier.bookings.availability import free_slots, marketplace_zone
from quartier.bookings.models import Booking, BookingEvent, Review, WeeklyHours
from quartier.bookings.services.lifecycle import booking_transition
from quartier.bookings.services.requests import booking_request_slot
from quartier.catalog.models import Listing
from quartier.outbox.models import OutboxMessage
from quartier.providers.services import provider_history_add

PAST_BOOKINGS = 300
CANCELLED_BOOKINGS = 8
UPCOMING_BOOKINGS = 16
FIRST_JOBS = 3  # past jobs of nearly every helper before the busy ones get more
HISTORY_DAYS = 84  # twelve weeks, the back office's analytics window
DEMO_NOTE = "Demo"

# Customers rate mostly well, as on real marketplaces; helpers rate customers too.
CUSTOMER_STARS = (5,) * 12 + (4,) * 6 + (3, 2)  # a mean of about 4.6
HELPER_STARS = (5, 5, 5, 4)
REVIEW_TEXTS = {
    "de": {
        5: "Pünktlich, freundlich und hat alles verständlich erklärt.",
        4: "Gute Arbeit, hat etwas länger gedauert als gedacht.",
        3: "In Ordnung, aber ich musste zweimal nachfragen.",
        2: "Das Problem ist nur teilweise gelöst.",
    },
    "fr": {
        5: "Ponctuel, aimable et tout expliqué clairement.",
        4: "Bon travail, un peu plus long que prévu.",
        3: "Correct, mais j’ai dû relancer deux fois.",
        2: "Le problème n’est résolu qu’en partie.",
    },
    "it": {
        5: "Puntuale, gentile e ha spiegato tutto con chiarezza.",
        4: "Buon lavoro, ci è voluto un po’ più del previsto.",
        3: "Va bene, ma ho dovuto chiedere due volte.",
        2: "Il problema è stato risolto solo in parte.",
    },
}
CUSTOMER_TEXTS = {
    "de": "Sehr angenehme Kundschaft, alles war vorbereitet.",
    "fr": "Client·e très agréable, tout était prêt.",
    "it": "Cliente molto gentile, era tutto pronto.",
}


def _past_start(
    rng: random.Random, used: set, provider_id: int, now: datetime, zone, week: dict
) -> datetime:
    """A past day and hour inside the provider's weekly hours with no other job of theirs
    that day: one a day keeps even the 3-hour jobs clear of the no-overlap constraint."""
    while True:
        day = (now - timedelta(days=rng.randint(1, HISTORY_DAYS))).astimezone(zone).date()
        if day.weekday() not in week or (provider_id, day) in used:
            continue
        used.add((provider_id, day))
        starts, ends = week[day.weekday()]
        hour = rng.randint(starts, max(starts, ends - 3))
        return datetime(day.year, day.month, day.day, hour, tzinfo=zone)


def _weeks() -> dict[int, dict[int, tuple[int, int]]]:
    """provider id -> weekday -> (first hour, last hour) of their weekly hours."""
    weeks: dict[int, dict[int, tuple[int, int]]] = {}
    for hours in WeeklyHours.objects.all():
        weeks.setdefault(hours.provider_id, {})[hours.weekday] = (
            hours.starts.hour,
            hours.ends.hour,
        )
    return weeks


@transaction.atomic
def seed_demo_bookings(
    *,
    tenant,
    scale: float = 1.0,
) -> None:
    """Past jobs with reviews, cancellations and upcoming requests; once per tenant."""
    if Booking.objects.filter(note=DEMO_NOTE).exists():
        return
    # Seeded per tenant: the same demo every time (not a security use).
    rng = random.Random(f"quartier-demo-bookings-{tenant.slug}")  # noqa: S311
    started = timezone.now()
    customers = list(User.objects.filter(role=User.Role.CUSTOMER).order_by("pk"))
    listings = list(
        Listing.objects.filter(status=Listing.Status.PUBLISHED, provider__is_vetted=True)
        .select_related("provider__user")
        .order_by("pk")
    )
    if not customers or not listings:
        return
    # Some helpers are busier than others: weights make the ratings' counts differ.
    weights = [rng.choice((1, 1, 2, 3, 5)) for _ in listings]
    past, cancelled, upcoming = (
        max(1, round(number * scale))
        for number in (PAST_BOOKINGS, CANCELLED_BOOKINGS, UPCOMING_BOOKINGS)
    )
    history_add(rng, _jobs(rng, listings, weights, past), customers, now=started)
    _through_the_lifecycle(rng, listings, customers, started, cancelled, upcoming)
    # Made-up history: nobody is to be mailed about it.
    OutboxMessage.objects.filter(created_at__gte=started).delete()


def _through_the_lifecycle(rng, listings, customers, started, cancelled: int, upcoming: int):
    """Cancelled and upcoming bookings, requested on free future slots."""
    next_free: dict[int, datetime] = {}

    def request(listing: Listing, customer: User) -> Booking:
        provider = listing.provider
        if provider.pk not in next_free:
            slots = free_slots(
                provider=provider,
                duration_minutes=listing.duration_minutes or 60,
                start=started + timedelta(days=2),
                end=started + timedelta(days=9),
            )
            next_free[provider.pk] = slots[0].starts_at
        return booking_request_slot(
            listing=listing, customer=customer, starts_at=next_free[provider.pk], note=DEMO_NOTE
        )

    for _ in range(cancelled):
        listing, customer = rng.choice(listings), rng.choice(customers)
        booking = request(listing, customer)
        booking = booking_transition(booking=booking, action="accept", actor=listing.provider.user)
        booking_transition(booking=booking, action="cancel", actor=customer, reason="Demo")
    for _ in range(upcoming):
        listing, customer = rng.choice(listings), rng.choice(customers)
        next_free.pop(listing.provider_id, None)  # upcoming jobs keep their slot
        booking = request(listing, customer)
        if rng.random() < 0.5:
            booking = booking_transition(
                booking=booking, action="accept", actor=listing.provider.user
            )
            booking_transition(booking=booking, action="confirm", actor=customer)


def _jobs(rng: random.Random, listings: list[Listing], weights: list[int], past: int) -> list:
    """Which listings the past jobs were booked on: nearly every helper had a few (so
    most show a rating, not "New"), every tenth one is new; the rest by the weights."""
    by_provider: dict[int, list[Listing]] = {}
    for listing in listings:
        by_provider.setdefault(listing.provider_id, []).append(listing)
    jobs = []
    for number, offered in enumerate(by_provider.values()):
        if number % 10 != 9:
            jobs += [rng.choice(offered) for _ in range(FIRST_JOBS)]
    jobs = jobs[:past]
    jobs += rng.choices(listings, weights=weights, k=past - len(jobs))
    return jobs


def history_add(
    rng: random.Random, jobs: list[Listing], customers: list[User], *, now: datetime
) -> None:
    """Completed past jobs with their events and two revealed reviews, in bulk; then each
    provider's completed jobs and rating through the providers' services (see module doc)."""
    used: set = set()
    zone = marketplace_zone()
    weeks = _weeks()
    ordinary = dict.fromkeys(range(6), (8, 19))
    bookings, stars = [], []
    for listing in jobs:
        customer = rng.choice(customers)
        week = weeks.get(listing.provider_id, ordinary)
        starts_at = _past_start(rng, used, listing.provider_id, now, zone, week)
        ends_at = starts_at + timedelta(minutes=listing.duration_minutes or 60)
        bookings.append(
            Booking(
                kind=Booking.Kind.SLOT,
                status=Booking.Status.COMPLETED,
                customer=customer,
                listing=listing,
                provider=listing.provider,
                category_id=listing.category_id,
                starts_at=starts_at,
                ends_at=ends_at,
                blocked_until=ends_at,
                duration_minutes=listing.duration_minutes or 60,
                price_amount_minor=listing.price_amount_minor,
                price_currency=listing.price_currency,
                price_unit=listing.price_unit,
                note=DEMO_NOTE,
                completed_at=ends_at,
            )
        )
        stars.append((rng.choice(CUSTOMER_STARS), rng.choice(HELPER_STARS)))
    bookings = Booking.objects.bulk_create(bookings)
    # created_at is set on insert (auto_now_add): the request came 1-5 days before the job.
    for booking in bookings:
        booking.created_at = booking.starts_at - timedelta(days=rng.randint(1, 5))
    Booking.objects.bulk_update(bookings, ["created_at"], batch_size=500)
    _backdated(BookingEvent, _events(rng, bookings))
    _backdated(Review, _reviews(bookings, stars))
    _provider_facts(bookings)


def _events(rng: random.Random, bookings: list[Booking]) -> list[BookingEvent]:
    """The four transitions; the analytics read response times from them."""
    events = []
    for booking in bookings:
        provider_user = booking.provider.user_id
        answered = booking.created_at + timedelta(minutes=rng.choice((4, 12, 25, 40, 75, 180)))
        steps = [
            ("", Booking.Status.REQUESTED, booking.customer_id, "request", booking.created_at),
            (Booking.Status.REQUESTED, Booking.Status.ACCEPTED, provider_user, "accept", answered),
            (
                Booking.Status.ACCEPTED,
                Booking.Status.CONFIRMED,
                booking.customer_id,
                "confirm",
                answered,
            ),
            (
                Booking.Status.CONFIRMED,
                Booking.Status.COMPLETED,
                provider_user,
                "complete",
                booking.completed_at,
            ),
        ]
        for before, after, actor, action, at in steps:
            data = {"action": action}
            if action == "accept":
                data["starts_at"] = booking.starts_at.isoformat()
            events.append(
                (
                    BookingEvent(
                        booking=booking,
                        from_status=before,
                        to_status=after,
                        actor_id=actor,
                        data=data,
                    ),
                    at,
                )
            )
    return events


def _backdated(model, rows: list[tuple]) -> None:
    """Insert (row, created_at) pairs; created_at is set on insert (auto_now_add), so the
    history's times are written right after."""
    created = model.objects.bulk_create([row for row, _at in rows], batch_size=1000)
    for row, (_row, at) in zip(created, rows, strict=True):
        row.created_at = at
    model.objects.bulk_update(created, ["created_at"], batch_size=500)


def _reviews(bookings: list[Booking], stars: list[tuple[int, int]]) -> list[tuple]:
    reviews = []
    for booking, (of_provider, of_customer) in zip(bookings, stars, strict=True):
        language = booking.listing.language if booking.listing.language in REVIEW_TEXTS else "de"
        revealed = booking.completed_at + timedelta(days=1)
        reviews += [
            (
                Review(
                    booking=booking,
                    direction=Review.Direction.OF_PROVIDER,
                    author_id=booking.customer_id,
                    rating=of_provider,
                    text=REVIEW_TEXTS[language][of_provider],
                    revealed_at=revealed,
                ),
                booking.completed_at + timedelta(hours=5),
            ),
            (
                Review(
                    booking=booking,
                    direction=Review.Direction.OF_CUSTOMER,
                    author_id=booking.provider.user_id,
                    rating=of_customer,
                    text=CUSTOMER_TEXTS[language],
                    revealed_at=revealed,
                ),
                revealed,
            ),
        ]
    return reviews


def _provider_facts(bookings: list[Booking]) -> None:
    """Completed jobs and rating, once per provider, through the providers' service (so
    search's score and trust's rule badges follow), from the reviews as the lifecycle
    counts them (provider_rating_refresh)."""
    jobs = Counter(booking.provider_id for booking in bookings)
    ratings = {
        row["booking__provider_id"]: (row["count"], row["total"])
        for row in Review.objects.filter(
            booking__provider_id__in=list(jobs),
            direction=Review.Direction.OF_PROVIDER,
            revealed_at__isnull=False,
            is_hidden=False,
        )
        .values("booking__provider_id")
        .annotate(count=Count("id"), total=Sum("rating"))
    }
    for provider_id, count in sorted(jobs.items()):
        rating_count, rating_sum = ratings.get(provider_id, (0, 0))
        provider_history_add(
            provider_id=provider_id, jobs=count, rating_count=rating_count, rating_sum=rating_sum
        )
