"""Booking history for the demo marketplaces (`make demo`): past jobs with two-way
reviews, a few cancellations, and upcoming requests, so dashboards, profiles and
analytics have something to show.

Every booking goes through the real services — request a free slot, accept, confirm,
complete, review — so billing's payments and ledger entries, the providers' ratings,
completed-job counts and rule badges are exactly what real use would produce. Only the
clock is moved: a job is requested on a free future slot, then its times are set into
the past before it is completed (the lifecycle refuses to complete the future).

It runs in one transaction per tenant: fast (no commit per step), and the history's
notifications can be dropped before they are mailed to made-up addresses.
"""

import random
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from quartier.accounts.models import User
from quartier.bookings.availability import free_slots, marketplace_zone
from quartier.bookings.models import Booking, BookingEvent, Review
from quartier.bookings.services.lifecycle import booking_transition
from quartier.bookings.services.requests import booking_request_slot
from quartier.bookings.services.reviews import review_write
from quartier.catalog.models import Listing
from quartier.outbox.models import OutboxMessage

PAST_BOOKINGS = 120
CANCELLED_BOOKINGS = 12
UPCOMING_BOOKINGS = 24
HISTORY_DAYS = 84  # twelve weeks, the back office's analytics window
DEMO_NOTE = "Demo"

# Customers rate mostly well, as on real marketplaces; helpers rate customers too.
CUSTOMER_STARS = (5, 5, 5, 5, 5, 4, 4, 4, 3, 2)
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


def _past_start(rng: random.Random, used: set, provider_id: int, now: datetime) -> datetime:
    """A past weekday hour (local time) this provider has no other job at."""
    zone = marketplace_zone()
    while True:
        day = (now - timedelta(days=rng.randint(1, HISTORY_DAYS))).astimezone(zone).date()
        hour = rng.randint(8, 16)
        if day.weekday() == 6 or (provider_id, day, hour) in used:
            continue
        used.add((provider_id, day, hour))
        return datetime(day.year, day.month, day.day, hour, tzinfo=zone)


@transaction.atomic
def seed_demo_bookings(*, tenant) -> None:
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
    next_free: dict[int, datetime] = {}
    used: set = set()

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

    for index in range(PAST_BOOKINGS + CANCELLED_BOOKINGS):
        listing = rng.choices(listings, weights=weights)[0]
        customer = rng.choice(customers)
        provider_user = listing.provider.user
        booking = request(listing, customer)
        booking = booking_transition(booking=booking, action="accept", actor=provider_user)
        if index >= PAST_BOOKINGS:
            booking_transition(booking=booking, action="cancel", actor=customer, reason="Demo")
            continue
        booking = booking_transition(booking=booking, action="confirm", actor=customer)
        starts_at = _past_start(rng, used, listing.provider_id, started)
        length = booking.ends_at - booking.starts_at
        requested_at = starts_at - timedelta(days=rng.randint(1, 5))
        Booking.objects.filter(pk=booking.pk).update(
            starts_at=starts_at,
            ends_at=starts_at + length,
            blocked_until=starts_at + length,
            created_at=requested_at,
        )
        # The analytics read response times from the events: answered within minutes.
        BookingEvent.objects.filter(booking=booking).update(
            created_at=requested_at + timedelta(minutes=rng.choice((4, 12, 25, 40, 75, 180)))
        )
        BookingEvent.objects.filter(booking=booking, from_status="").update(created_at=requested_at)
        booking.refresh_from_db()
        finished = starts_at + length
        booking = booking_transition(
            booking=booking, action="complete", actor=provider_user, now=finished
        )
        language = listing.language if listing.language in REVIEW_TEXTS else "de"
        stars = rng.choice(CUSTOMER_STARS)
        review_write(
            booking=booking, author=customer, rating=stars, text=REVIEW_TEXTS[language][stars]
        )
        review_write(
            booking=booking,
            author=provider_user,
            rating=rng.choice(HELPER_STARS),
            text=CUSTOMER_TEXTS[language],
        )
        Review.objects.filter(booking=booking).update(revealed_at=finished + timedelta(days=1))

    for _ in range(UPCOMING_BOOKINGS):
        listing = rng.choice(listings)
        customer = rng.choice(customers)
        next_free.pop(listing.provider_id, None)  # upcoming jobs keep their slot
        booking = request(listing, customer)
        if rng.random() < 0.5:
            booking = booking_transition(
                booking=booking, action="accept", actor=listing.provider.user
            )
            booking_transition(booking=booking, action="confirm", actor=customer)

    # Made-up history: nobody is to be mailed about it.
    OutboxMessage.objects.filter(created_at__gte=started).delete()
