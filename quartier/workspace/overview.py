"""What the helper dashboard shows besides the bookings: urgent requests, tasks nearby,
unread messages, rating, badges and the earnings summary, read in a fixed number of
queries."""

from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from quartier.bookings.models import Message
from quartier.bookings.selectors import open_broadcasts_for
from quartier.catalog.selectors.ratings import Rating, provider_rating
from quartier.providers.models import ProviderProfile
from quartier.trust.selectors import awards_of
from quartier.workspace.earnings import Earnings, earnings_of, payout_setup_needed


@dataclass(frozen=True)
class Overview:
    invites: list
    tasks_near: int
    unread_messages: int
    # The number customers see (catalog.selectors.ratings), never the ranking score.
    rating: Rating
    badges: list
    earnings: Earnings
    payout_setup_needed: bool


def unread_messages_of(profile: ProviderProfile) -> int:
    """Messages of the helper's customers that the helper has not read yet."""
    return (
        Message.objects.filter(booking__provider=profile, read_at__isnull=True)
        .exclude(sender_id=profile.user_id)
        .count()
    )


def active_awards(profile: ProviderProfile) -> list:
    now = timezone.now()
    return list(
        awards_of(profile)
        .filter(revoked_at__isnull=True)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=now))
        .order_by("badge__slug")
    )


def overview_of(profile: ProviderProfile, *, tasks_near_count: int) -> Overview:
    return Overview(
        invites=list(open_broadcasts_for(profile)[:5]),
        tasks_near=tasks_near_count,
        unread_messages=unread_messages_of(profile),
        rating=provider_rating(profile),
        badges=active_awards(profile),
        earnings=earnings_of(profile),
        payout_setup_needed=payout_setup_needed(profile),
    )
