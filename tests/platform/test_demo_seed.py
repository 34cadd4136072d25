"""`make demo` makes a living marketplace: helpers across Swiss cities in three language
regions, with pictures, a booking history with two-way reviews and its payments, and
open tasks. The suite seeds a fifth of the demo (scale 0.2) and checks the full size's
plan without seeding it."""

import time

import pytest
from django.db.models import Count, Sum
from PIL import Image

from quartier.billing import ledger
from quartier.billing.models import JournalEntry, Payment
from quartier.bookings.demo import CANCELLED_BOOKINGS, PAST_BOOKINGS, UPCOMING_BOOKINGS
from quartier.bookings.models import Booking, Review
from quartier.catalog.demo import (
    CITIES,
    DEMO_PROVIDERS,
    GENERATED_CUSTOMERS,
    GENERATED_HELPERS,
    OFFERS,
    OPEN_TASKS,
    TASKS,
    scaled,
)
from quartier.catalog.demo_images import COVER_SIZE
from quartier.catalog.models import Listing, ListingPhoto, Offer, ProviderProfile, TaskRequest
from quartier.catalog.selectors.ratings import provider_rating
from quartier.geo.selectors import postal_code_places
from quartier.platform.initialisers import demo_seeders

SCALE = 0.2


def test_the_full_demo_plans_a_living_neighbourhood_per_tenant():
    """The default size, as numbers: what `make demo` seeds in each tenant."""
    for tenant in ("telco", "acme"):
        assert GENERATED_HELPERS + len(DEMO_PROVIDERS[tenant]) >= 60
    # Helpers are placed round-robin over the cities: every city gets some.
    assert len(CITIES) >= 8
    assert len(CITIES) <= GENERATED_HELPERS
    assert {language for _city, language, _codes in CITIES} == {"de", "fr", "it"}
    assert 200 <= PAST_BOOKINGS <= 400  # "a few hundred" past jobs with reviews
    assert CANCELLED_BOOKINGS
    assert UPCOMING_BOOKINGS
    assert GENERATED_CUSTOMERS >= 20
    assert len(TASKS) == OPEN_TASKS
    assert all(slug in OFFERS for slug, _title, _language in TASKS)
    assert scaled(GENERATED_HELPERS, 1.0) == GENERATED_HELPERS
    assert scaled(GENERATED_HELPERS, SCALE) >= 8  # the suite's size still spans 8+ cities


def _valid_image(field, size=None) -> None:
    with field.open("rb") as stored, Image.open(stored) as image:
        image.verify()
        if size:
            assert image.size == size


@pytest.mark.slow
def test_the_demo_seed_fills_one_tenant_with_a_living_neighbourhood(tenant_a):
    with tenant_a.context():
        started = time.monotonic()
        for seed in demo_seeders():
            seed(tenant=tenant_a.tenant, password="quartier-demo-2026", scale=SCALE)
        seconds = time.monotonic() - started

        helpers = ProviderProfile.objects.filter(is_vetted=True, user__email__startswith="helper")
        codes = helpers.values_list("home_postal_code", flat=True)
        cities = {postal_code_places(code)[0] for code in codes}
        languages = set(
            Listing.objects.filter(provider__in=helpers).values_list("language", flat=True)
        )
        completed = Booking.objects.filter(status=Booking.Status.COMPLETED, note="Demo")
        open_tasks = TaskRequest.objects.filter(status=TaskRequest.Status.OPEN).annotate(
            offers_count=Count("offers")
        )
        past = scaled(PAST_BOOKINGS, SCALE)

        assert helpers.count() == scaled(GENERATED_HELPERS, SCALE)
        assert len(cities) >= 8, cities
        assert {"de", "fr", "it"} <= languages
        # each helper speaks the language of their region
        region = {code: language for _city, language, codes in CITIES for code in codes}
        for helper in helpers:
            assert region[helper.home_postal_code] in helper.languages
            assert helper.bio
            assert helper.skills
        # pictures: every helper an avatar, every published listing a 16:10 cover
        assert helpers.exclude(photo="").count() == helpers.count()
        for helper in helpers[:3]:
            _valid_image(helper.photo)
        published = Listing.objects.filter(status=Listing.Status.PUBLISHED, provider__in=helpers)
        photos = ListingPhoto.objects.filter(listing__in=published)
        assert photos.values("listing").distinct().count() == published.count()
        for photo in photos[:3]:
            _valid_image(photo.image, COVER_SIZE)

        # the history: completed jobs with two revealed reviews, paid on site
        assert completed.count() == past
        revealed = Review.objects.filter(booking__in=completed, revealed_at__isnull=False)
        assert revealed.count() == 2 * past
        stars = revealed.filter(direction=Review.Direction.OF_PROVIDER).values_list(
            "rating", flat=True
        )
        assert sum(1 for star in stars if star >= 4) > 0.6 * past
        assert min(stars) < 4
        assert all(booking.created_at < booking.starts_at for booking in completed)
        payments = Payment.objects.filter(booking__in=completed)
        assert payments.filter(status=Payment.Status.OFFLINE).count() == past
        assert JournalEntry.objects.filter(payment__in=payments).count() == 2 * past
        assert set(ledger.trial_balance().values()) <= {0}
        # the profiles' counters agree with the reviews, and the one selector shows them
        profiles = ProviderProfile.objects.filter(completed_jobs__gt=0)
        assert sum(profile.completed_jobs for profile in profiles) == past
        for profile in profiles:
            mine = Review.objects.filter(
                booking__provider=profile, direction=Review.Direction.OF_PROVIDER
            ).aggregate(count=Count("id"), total=Sum("rating"))
            assert (profile.rating_count, profile.rating_sum) == (mine["count"], mine["total"])
        shown = [provider_rating(profile) for profile in helpers]  # the tenant's minimum: 3
        rated = [rating for rating in shown if rating.value is not None]
        assert len(rated) >= 0.8 * len(shown), shown  # most show "4.6 · 5 reviews"
        assert any(rating.is_new for rating in shown)  # and a few are "New"
        assert all(rating.count >= 3 for rating in rated)

        # open tasks with offers from nearby helpers
        assert open_tasks.count() == scaled(OPEN_TASKS, SCALE)
        assert all(task.offers_count >= 1 for task in open_tasks)
        assert Offer.objects.filter(task__in=open_tasks).count() >= open_tasks.count()
        print(f"demo seed for one tenant at scale {SCALE}: {seconds:.1f} s")

        # running it again adds nothing
        for seed in demo_seeders():
            seed(tenant=tenant_a.tenant, password="quartier-demo-2026", scale=SCALE)
        everything = past + sum(
            scaled(number, SCALE) for number in (CANCELLED_BOOKINGS, UPCOMING_BOOKINGS)
        )
        assert Booking.objects.filter(note="Demo").count() == everything
        assert helpers.count() == scaled(GENERATED_HELPERS, SCALE)
        assert Payment.objects.filter(booking__in=completed).count() == past
