"""The one rule for the rating a person sees, wherever a helper appears.

The shown number is the plain mean of the provider's published reviews (revealed and not
hidden by a moderator), rounded half up to one decimal, always shown with the count
("4.8 · 23 reviews"); below the tenant's `rating_min_reviews` the provider is "New"
instead. The stars are drawn from that same rounded number. Listing, results, profile,
back-office analytics, JSON-LD and the API all go through `rating_of`.

`ProviderProfile.rating_score` (a Bayesian average, see bookings.services.reviews) is
never shown: search only sorts by it, so one 5-star review does not outrank fifty 4.9s.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from quartier.marketplace.selectors import rating_min_reviews

TENTH = Decimal("0.1")


@dataclass(frozen=True)
class Rating:
    count: int
    # The mean rounded to one decimal; None without reviews.
    average: Decimal | None
    minimum: int

    @property
    def is_new(self) -> bool:
        return self.count < max(self.minimum, 1)

    @property
    def value(self) -> Decimal | None:
        """The number shown, or None while the provider is "New"."""
        return None if self.is_new else self.average

    @property
    def stars(self) -> int:
        """Filled stars out of five, from the shown number (0 while "New")."""
        if self.value is None:
            return 0
        return int(self.value.quantize(Decimal(1), rounding=ROUND_HALF_UP))

    def as_dict(self) -> dict:
        return {
            "score": None if self.value is None else float(self.value),
            "count": self.count,
            "is_new": self.is_new,
        }


def mean(*, count: int, total: int) -> Decimal | None:
    """The plain mean of `count` reviews adding up to `total` stars, to one decimal."""
    if not count:
        return None
    return (Decimal(total) / Decimal(count)).quantize(TENTH, rounding=ROUND_HALF_UP)


def rating_of(*, count: int, total: int, minimum: int | None = None) -> Rating:
    """The rating shown for `count` published reviews adding up to `total` stars."""
    if minimum is None:
        minimum = rating_min_reviews()
    return Rating(count=count, average=mean(count=count, total=total), minimum=minimum)


def provider_rating(profile, *, minimum: int | None = None) -> Rating:
    """The rating shown for a provider profile (its counters are kept by bookings)."""
    return rating_of(count=profile.rating_count, total=profile.rating_sum, minimum=minimum)
