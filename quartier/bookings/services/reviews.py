"""Two-way reviews: sealed until both sides wrote (or 14 days passed), then public.

The provider's rating is a Bayesian average (quartier.providers.services.bayesian_score):
RATING_PRIOR_WEIGHT imaginary reviews of RATING_PRIOR_MEAN stars are added, so one 5-star
review (4.17) does not outrank fifty reviews averaging 4.9 (4.82).
"""

from datetime import timedelta

from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from quartier.accounts.models import User
from quartier.bookings import errors
from quartier.bookings.models import Booking, Review
from quartier.marketplace.services import audit_record
from quartier.platform.errors import ApplicationError, Conflict
from quartier.providers.services import provider_rating_set

REVEAL_AFTER = timedelta(days=14)


@transaction.atomic
def review_write(*, booking: Booking, author: User, rating: int, text: str = "") -> Review:
    booking = (
        Booking.objects.select_for_update(of=("self",))
        .select_related("provider")
        .get(pk=booking.pk)
    )
    if booking.status != Booking.Status.COMPLETED:
        raise ApplicationError(
            errors.REVIEW_NOT_ALLOWED, _("Reviews open once the job is completed."), status=409
        )
    if author.pk == booking.customer_id:
        direction = Review.Direction.OF_PROVIDER
    elif booking.provider and author.pk == booking.provider.user_id:
        direction = Review.Direction.OF_CUSTOMER
    else:
        raise ApplicationError(
            errors.REVIEW_NOT_ALLOWED,
            _("Only the customer and the provider review a booking."),
            status=403,
        )
    if type(rating) is not int or not 1 <= rating <= 5:
        raise ApplicationError.invalid_field(
            "rating", _("Give 1 to 5 stars."), code=errors.INVALID_RATING
        )
    if Review.objects.filter(booking=booking, direction=direction).exists():
        raise Conflict(errors.REVIEW_EXISTS, _("You already reviewed this booking."))
    from quartier.bookings.services.conversation import clean_text

    review = Review.objects.create(
        booking=booking,
        direction=direction,
        author=author,
        rating=rating,
        text=clean_text(text)[:3000],
    )
    if Review.objects.filter(booking=booking).count() == 2:
        _reveal(Review.objects.filter(booking=booking, revealed_at__isnull=True))
    return review


def _reveal(reviews) -> None:
    now = timezone.now()
    providers = set()
    for review in reviews.select_related("booking"):
        review.revealed_at = now
        review.save(update_fields=["revealed_at"])
        if review.direction == Review.Direction.OF_PROVIDER:
            providers.add(review.booking.provider_id)
    for provider_id in providers:
        provider_rating_refresh(provider_id=provider_id)


def reviews_reveal_due(*, now=None) -> int:
    """Open sealed reviews whose booking was completed 14 days ago or more."""
    now = now or timezone.now()
    due = Review.objects.filter(
        revealed_at__isnull=True, booking__completed_at__lte=now - REVEAL_AFTER
    )
    count = due.count()
    with transaction.atomic():
        _reveal(due)
    return count


def provider_rating_refresh(*, provider_id: int) -> None:
    """Recompute a provider's rating from their revealed, visible reviews."""
    totals = Review.objects.filter(
        booking__provider_id=provider_id,
        direction=Review.Direction.OF_PROVIDER,
        revealed_at__isnull=False,
        is_hidden=False,
    ).aggregate(count=Count("id"), total=Sum("rating"))
    count, total = totals["count"], totals["total"] or 0
    provider_rating_set(provider_id=provider_id, rating_count=count, rating_sum=total)


@transaction.atomic
def review_hide(*, review: Review, admin: User, reason: str) -> Review:
    """A tenant admin hides a review: it is kept, and the decision is audited."""
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError.invalid_field("reason", _("Say why the review is hidden."))
    before = {"is_hidden": review.is_hidden, "hidden_reason": review.hidden_reason}
    review.is_hidden, review.hidden_reason = True, reason[:500]
    review.save(update_fields=["is_hidden", "hidden_reason"])
    audit_record(
        actor=admin,
        action="review.hide",
        subject=review,
        before=before,
        after={"is_hidden": True, "hidden_reason": review.hidden_reason},
        reason=reason,
    )
    if review.direction == Review.Direction.OF_PROVIDER:
        provider_rating_refresh(provider_id=review.booking.provider_id)
    return review
