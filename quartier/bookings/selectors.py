"""Reads on bookings, fetched and authorised together."""

from datetime import timedelta

from django.db.models import Prefetch, Q, QuerySet, prefetch_related_objects
from django.utils.translation import gettext as _

from quartier.accounts.models import User
from quartier.bookings.models import (
    Booking,
    BookingEvent,
    BroadcastInvite,
    Dispute,
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


def broadcast_invited_count(booking: Booking) -> int:
    """How many helpers a broadcast request reached so far, its escalation rings
    included (declines too): the customer's honest "N helpers notified". Zero for any
    other booking."""
    if booking.kind != Booking.Kind.BROADCAST:
        return 0
    return sum(
        int(data.get("invited", 0))
        for data in booking.events.filter(data__action__in=["request", "escalate"]).values_list(
            "data", flat=True
        )
    )


def broadcast_invited_counts(booking_ids) -> dict[int, int]:
    """broadcast_invited_count for many bookings in one query (the support queue)."""
    counts: dict[int, int] = dict.fromkeys(booking_ids, 0)
    for booking_id, data in BookingEvent.objects.filter(
        booking_id__in=list(counts), data__action__in=["request", "escalate"]
    ).values_list("booking_id", "data"):
        counts[booking_id] += int(data.get("invited", 0))
    return counts


def typical_answer_minutes(category_id: int, *, days: int = 30) -> int | None:
    """The median minutes from an urgent request to its acceptance in this category over
    the last `days` (the latest 200), or None with fewer than 3 to go by: the customer's
    honest "typically answered in N min"."""
    from statistics import median

    from django.utils import timezone

    since = timezone.now() - timedelta(days=days)
    pairs = (
        BookingEvent.objects.filter(
            data__action="broadcast_accept",
            booking__category_id=category_id,
            booking__kind=Booking.Kind.BROADCAST,
            created_at__gte=since,
        )
        .order_by("-created_at")
        .values_list("created_at", "booking__created_at")[:200]
    )
    waits = [(accepted - asked).total_seconds() / 60 for accepted, asked in pairs]
    if len(waits) < 3:
        return None
    return max(1, round(median(waits)))


def broadcast_in_support(booking: Booking) -> bool:
    """The request reached the tenant's support queue (escalation ring 3)."""
    return (
        booking.kind == Booking.Kind.BROADCAST
        and booking.events.filter(data__action="escalate", data__ring=3).exists()
    )


def broadcasts_in_support():
    """Open urgent requests nobody took in time, oldest first (the back office's queue)."""
    waiting = BookingEvent.objects.filter(data__action="escalate", data__ring=3).values(
        "booking_id"
    )
    return (
        Booking.objects.filter(
            pk__in=waiting,
            kind=Booking.Kind.BROADCAST,
            status=Booking.Status.REQUESTED,
            provider__isnull=True,
        )
        .select_related("customer", "category")
        .order_by("created_at", "id")
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


def disputes_for_admin(*, status: str = "") -> QuerySet:
    """The tenant's disputes, newest first; `status` "open" or "resolved" filters them."""
    disputes = Dispute.objects.select_related(
        "booking__customer", "booking__provider", "booking__listing", "booking__category"
    ).order_by("-created_at", "-id")
    if status in Dispute.Status.values:
        disputes = disputes.filter(status=status)
    return disputes


def dispute_get_for_admin(*, dispute_id: int):
    dispute = (
        disputes_for_admin()
        .select_related("reported_by", "resolved_by", "booking__provider__user")
        .filter(pk=dispute_id)
        .first()
    )
    if dispute is None:
        raise NotFound(_("No such dispute."))
    return dispute


def dispute_notes(dispute) -> QuerySet:
    return dispute.notes.select_related("author").order_by("created_at", "id")


def dispute_open_report(booking: Booking):
    """The customer's open report on `booking`, if any (shown on the booking page)."""
    return Dispute.objects.filter(
        booking=booking, source=Dispute.Source.CUSTOMER, status=Dispute.Status.OPEN
    ).first()


def saved_addresses_of(user: User) -> QuerySet[SavedAddress]:
    """The user's own saved addresses; nobody else's, whatever the id asked for."""
    if not user.is_authenticated:
        return SavedAddress.objects.none()
    return SavedAddress.objects.filter(user=user)
