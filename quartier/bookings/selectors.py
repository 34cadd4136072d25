"""Reads on bookings, fetched and authorised together."""

from django.db.models import Prefetch, Q, QuerySet, prefetch_related_objects
from django.utils.translation import gettext as _

from quartier.accounts.models import User
from quartier.bookings.models import (
    Booking,
    BookingEvent,
    BroadcastInvite,
    Message,
    Review,
    SavedAddress,
    Schedule,
    TimeOff,
)
from quartier.platform.errors import NotFound
from quartier.providers.models import ProviderProfile


def _bookings() -> QuerySet[Booking]:
    return Booking.objects.select_related("customer", "provider__user", "listing", "category")


def bookings_of_user(user: User, *, role: str | None = None) -> QuerySet[Booking]:
    as_customer = Q(customer=user)
    as_provider = Q(provider__user=user)
    condition = {"customer": as_customer, "provider": as_provider}.get(
        role, as_customer | as_provider
    )
    return _bookings().filter(condition).order_by("-created_at", "-id")


def booking_get_for_user(*, booking_id: int, user: User) -> Booking:
    """A booking its customer or provider may see; admins see disputed ones."""
    booking = _bookings().filter(pk=booking_id).first()
    if booking is None or not booking_is_visible(booking, user):
        raise NotFound(_("No such booking."))
    return booking


def booking_get_with_history(*, booking_id: int, user: User) -> Booking:
    """booking_get_for_user with its events and their actors fetched in one query each."""
    booking = booking_get_for_user(booking_id=booking_id, user=user)
    prefetch_related_objects(
        [booking],
        Prefetch("events", queryset=BookingEvent.objects.select_related("actor")),
    )
    return booking


def booking_is_visible(booking: Booking, user: User) -> bool:
    if not user.is_authenticated:
        return False
    if booking.customer_id == user.pk:
        return True
    if booking.provider is not None and booking.provider.user_id == user.pk:
        return True
    if booking.provider is None and booking.invites.filter(provider__user=user).exists():
        return True  # an invited provider sees an open broadcast
    return user.is_tenant_admin and booking.status == Booking.Status.DISPUTED


def booking_is_party(booking: Booking, user: User) -> bool:
    return booking.customer_id == user.pk or (
        booking.provider is not None and booking.provider.user_id == user.pk
    )


def messages_of(booking: Booking) -> QuerySet[Message]:
    return Message.objects.filter(booking=booking).select_related("sender")


def message_get(*, booking: Booking, message_id: int) -> Message:
    message = messages_of(booking).filter(pk=message_id).first()
    if message is None:
        raise NotFound(_("No such message."))
    return message


def open_broadcasts_for(provider: ProviderProfile) -> QuerySet[BroadcastInvite]:
    return (
        BroadcastInvite.objects.filter(
            provider=provider,
            booking__provider__isnull=True,
            booking__status=Booking.Status.REQUESTED,
        )
        .select_related("booking__customer", "booking__category", "listing")
        .order_by("-id")
    )


def broadcast_get_for_provider(*, booking_id: int, provider: ProviderProfile) -> Booking:
    invite = BroadcastInvite.objects.filter(booking_id=booking_id, provider=provider).first()
    if invite is None:
        raise NotFound(_("No such request."))
    return invite.booking


def public_reviews_of(provider: ProviderProfile) -> QuerySet[Review]:
    return (
        Review.objects.filter(
            booking__provider=provider,
            direction=Review.Direction.OF_PROVIDER,
            revealed_at__isnull=False,
            is_hidden=False,
        )
        .select_related("author")
        .order_by("-revealed_at", "-id")
    )


def reviews_of_booking(booking: Booking, user: User) -> list[Review]:
    """Your own reviews always; the other side's once revealed (admins see all)."""
    reviews = list(Review.objects.filter(booking=booking).select_related("author"))
    if user.is_tenant_admin:
        return reviews
    return [
        review
        for review in reviews
        if review.author_id == user.pk or review.revealed_at is not None
    ]


def review_get(*, review_id: int) -> Review:
    review = Review.objects.select_related("booking").filter(pk=review_id).first()
    if review is None:
        raise NotFound(_("No such review."))
    return review


def time_off_get(*, provider: ProviderProfile, time_off_id: int) -> TimeOff:
    found = TimeOff.objects.filter(provider=provider, pk=time_off_id).first()
    if found is None:
        raise NotFound(_("No such period."))
    return found


def schedule_or_default(provider: ProviderProfile) -> Schedule:
    """The provider's schedule, or an unsaved one with the defaults (a read never creates it)."""
    return Schedule.objects.filter(provider=provider).first() or Schedule(provider=provider)


def saved_addresses_of(user: User) -> QuerySet[SavedAddress]:
    """The user's own saved addresses; nobody else's, whatever the id asked for."""
    if not user.is_authenticated:
        return SavedAddress.objects.none()
    return SavedAddress.objects.filter(user=user)
