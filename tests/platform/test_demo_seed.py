"""`make demo` makes a living marketplace: helpers across Swiss cities in three language
regions, with pictures, a booking history with two-way reviews, and open tasks."""

import time

import pytest
from django.db.models import Count

from quartier.bookings.demo import CANCELLED_BOOKINGS, PAST_BOOKINGS, UPCOMING_BOOKINGS
from quartier.bookings.models import Booking, Review
from quartier.catalog.models import Listing, ListingPhoto, Offer, ProviderProfile, TaskRequest
from quartier.catalog.selectors.ratings import provider_rating
from quartier.geo.selectors import postal_code_places
from quartier.platform.initialisers import demo_seeders

pytestmark = pytest.mark.slow


def test_the_demo_seed_fills_one_tenant_with_a_living_neighbourhood(tenant_a):
    with tenant_a.context():
        started = time.monotonic()
        for seed in demo_seeders():
            seed(tenant=tenant_a.tenant, password="quartier-demo-2026")
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

        assert helpers.count() >= 50
        assert len(cities) >= 8, cities
        assert {"de", "fr", "it"} <= languages
        assert helpers.exclude(photo="").count() == helpers.count()
        published = Listing.objects.filter(status=Listing.Status.PUBLISHED)
        assert ListingPhoto.objects.filter(listing__in=published).count() >= 50
        assert completed.count() == PAST_BOOKINGS
        # two-way reviews, both revealed
        revealed = Review.objects.filter(booking__in=completed, revealed_at__isnull=False)
        assert revealed.count() == 2 * PAST_BOOKINGS
        assert all(task.offers_count >= 1 for task in open_tasks)
        assert open_tasks.count() == 12
        assert Offer.objects.filter(task__in=open_tasks).count() >= 12
        # the profiles' counters agree with the reviews (the lifecycle kept them)
        reviewed = helpers.filter(rating_count__gt=0)
        counted = sum(profile.rating_count for profile in ProviderProfile.objects.all())
        assert counted == PAST_BOOKINGS
        assert any(provider_rating(profile).value is not None for profile in reviewed)
        print(f"demo seed for one tenant: {seconds:.1f} s")

        # running it again adds nothing
        for seed in demo_seeders():
            seed(tenant=tenant_a.tenant, password="quartier-demo-2026")
        everything = PAST_BOOKINGS + CANCELLED_BOOKINGS + UPCOMING_BOOKINGS
        assert Booking.objects.filter(note="Demo").count() == everything
        assert helpers.count() == 60
