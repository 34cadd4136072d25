"""The booking state machine: every change goes through booking_transition().

    requested -> accepted -> confirmed -> completed
    requested -> declined | expired | cancelled_by_customer | cancelled_by_provider
    accepted | confirmed -> cancelled_by_customer | cancelled_by_provider
    confirmed -> no_show (after the start)        confirmed | completed -> disputed

Each transition writes a BookingEvent (who, when, why), publishes BookingTransitioned
inside the transaction (billing opens, captures or releases the payment there), and
writes the notification e-mails to the outbox, delivered after commit. An illegal
transition is a 409 that carries the current status.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from quartier.accounts.models import User
from quartier.bookings import errors
from quartier.bookings.availability import schedule_of
from quartier.bookings.events import BookingTransitioned
from quartier.bookings.guard import provider_write_lock, write_or_conflict
from quartier.bookings.models import Booking, BookingEvent, BookingStatus
from quartier.catalog.events import ProviderFactsChanged
from quartier.catalog.models import ProviderProfile
from quartier.outbox.services import outbox_enqueue
from quartier.platform.errors import ApplicationError, Conflict, NotFound
from quartier.platform.events import publish

S = BookingStatus
# The outbox kind of booking e-mails (delivered by quartier.bookings.notifications).
NOTIFY_KIND = "bookings.notify"
DISPUTE_WINDOW = timedelta(days=14)


@dataclass(frozen=True)
class Rule:
    sources: frozenset
    target: str  # "" for actions that change data but not the status (counter)
    who: str  # "customer", "provider", "either", "system"


RULES = {
    "accept": Rule(frozenset({S.REQUESTED}), S.ACCEPTED, "provider"),
    "decline": Rule(frozenset({S.REQUESTED}), S.DECLINED, "provider"),
    "counter": Rule(frozenset({S.REQUESTED}), "", "provider"),
    "accept_counter": Rule(frozenset({S.REQUESTED}), S.ACCEPTED, "customer"),
    "confirm": Rule(frozenset({S.ACCEPTED}), S.CONFIRMED, "customer"),
    "complete": Rule(frozenset({S.CONFIRMED}), S.COMPLETED, "provider"),
    "cancel": Rule(frozenset({S.REQUESTED, S.ACCEPTED, S.CONFIRMED}), "", "either"),
    "no_show": Rule(frozenset({S.CONFIRMED}), S.NO_SHOW, "provider"),
    "dispute": Rule(frozenset({S.CONFIRMED, S.COMPLETED}), S.DISPUTED, "either"),
    "expire": Rule(frozenset({S.REQUESTED}), S.EXPIRED, "system"),
}


def role_of(booking: Booking, user: User | None) -> str:
    if user is None:
        return "system"
    if booking.provider_id is not None and booking.provider.user_id == user.pk:
        return "provider"
    if booking.customer_id == user.pk:
        return "customer"
    return "other"


@transaction.atomic
def booking_transition(
    *,
    booking: Booking,
    action: str,
    actor: User | None,
    reason: str = "",
    starts_at: datetime | None = None,
    now: datetime | None = None,
) -> Booking:
    """Apply `action` to a booking as `actor` (None: the system) at `now` (default: now)."""
    rule = RULES.get(action)
    if rule is None:
        raise NotFound(_("Unknown action."))
    booking = (
        Booking.objects.select_for_update(of=("self",))
        .select_related("provider", "customer")
        .get(pk=booking.pk)
    )
    role = role_of(booking, actor)
    _check_actor(rule, role)
    if booking.status not in rule.sources:
        raise Conflict(
            errors.ILLEGAL_TRANSITION,
            _("A %(status)s booking cannot be %(action)s.")
            % {"status": booking.status, "action": _past(action)},
            extra={"status": booking.status},
        )
    target = _apply(booking, action, role, starts_at, now or timezone.now())
    before = booking.status
    if target:
        booking.status = target
    _save_times(booking)
    event = BookingEvent.objects.create(
        booking=booking,
        from_status=before,
        to_status=target or before,
        actor=actor,
        reason=(reason or "")[:500],
        data={"action": action, **_event_data(booking, action)},
    )
    booking_event_announce(booking=booking, event=event)
    return booking


def provider_facts_changed(provider_id: int) -> None:
    """Completed jobs and ratings feed rule badges (trust) and other derived facts."""
    publish(ProviderFactsChanged(provider_id=provider_id))


def booking_event_announce(*, booking: Booking, event: BookingEvent) -> None:
    """Tell other apps (billing: payments) in this transaction, and the parties by mail.

    Every BookingEvent goes through here: the request, each transition, a counter.
    """
    publish(
        BookingTransitioned(
            booking_id=booking.pk,
            event_id=event.pk,
            transition=event.data.get("action", "request"),
            from_status=event.from_status,
            to_status=event.to_status,
            actor_id=event.actor_id,
            customer_id=booking.customer_id,
            provider_id=booking.provider_id,
        )
    )
    outbox_enqueue(
        kind=NOTIFY_KIND,
        payload={"booking_id": booking.pk, "event_id": event.pk},
        dedupe_key=f"booking-event:{event.pk}:mail",
    )


def _past(action: str) -> str:
    return {
        "accept": "accepted",
        "decline": "declined",
        "counter": "countered",
        "accept_counter": "accepted",
        "confirm": "confirmed",
        "complete": "completed",
        "cancel": "cancelled",
        "no_show": "marked as a no-show",
        "dispute": "disputed",
        "expire": "expired",
    }[action]


def _check_actor(rule: Rule, role: str) -> None:
    allowed = {"either": {"customer", "provider"}}.get(rule.who, {rule.who})
    if role not in allowed:
        if role == "other":
            raise NotFound(_("No such booking."))
        raise ApplicationError(
            "not_your_turn", _("This step belongs to the other party."), status=403
        )


def _apply(
    booking: Booking, action: str, role: str, starts_at: datetime | None, now: datetime
) -> str:
    """Action-specific checks and field changes; returns the target status."""
    rule = RULES[action]
    if action == "accept":
        if booking.kind == Booking.Kind.WINDOWS:
            _set_time(booking, _start_in_windows(booking, starts_at))
        elif booking.kind == Booking.Kind.OFFER and booking.starts_at is None:
            # The time of an offer was agreed when the customer accepted it.
            _set_time(booking, _future(starts_at))
    elif action == "counter":
        booking.counter_starts_at = _future(starts_at)
    elif action == "accept_counter":
        if booking.counter_starts_at is None:
            raise Conflict(
                errors.ILLEGAL_TRANSITION,
                _("There is no counter-proposal."),
                extra={"status": booking.status},
            )
        _set_time(booking, booking.counter_starts_at)
    elif action in ("complete", "no_show"):
        if booking.starts_at is None or booking.starts_at > now:
            raise Conflict(
                errors.ILLEGAL_TRANSITION,
                _("This can only happen once the job has started."),
                extra={"status": booking.status},
            )
        if action == "complete":
            booking.completed_at = now
            ProviderProfile.objects.filter(pk=booking.provider_id).update(
                completed_jobs=F("completed_jobs") + 1
            )
            provider_facts_changed(booking.provider_id)
    elif action == "dispute":
        if booking.status == S.COMPLETED and booking.completed_at + DISPUTE_WINDOW < now:
            raise Conflict(
                errors.ILLEGAL_TRANSITION,
                _("The dispute window has closed."),
                extra={"status": booking.status},
            )
    elif action == "expire" and (booking.expires_at is None or booking.expires_at > now):
        raise Conflict(
            errors.ILLEGAL_TRANSITION,
            _("This request has not expired yet."),
            extra={"status": booking.status},
        )
    elif action == "cancel":
        return S.CANCELLED_BY_PROVIDER if role == "provider" else S.CANCELLED_BY_CUSTOMER
    return rule.target


def _future(starts_at: datetime | None) -> datetime:
    if starts_at is None or timezone.is_naive(starts_at):
        raise ApplicationError.invalid_field(
            "starts_at", _("Give a start time with a UTC offset."), code=errors.INVALID_TIME
        )
    if starts_at <= timezone.now():
        raise ApplicationError.invalid_field(
            "starts_at", _("Choose a time in the future."), code=errors.INVALID_TIME
        )
    if starts_at > timezone.now() + timedelta(days=365):
        raise ApplicationError.invalid_field(
            "starts_at", _("Choose a time within a year."), code=errors.INVALID_TIME
        )
    return starts_at


def _start_in_windows(booking: Booking, starts_at: datetime | None) -> datetime:
    starts_at = _future(starts_at)
    ends_at = starts_at + timedelta(minutes=booking.duration_minutes)
    for window in booking.windows:
        if datetime.fromisoformat(
            window["start"]
        ) <= starts_at and ends_at <= datetime.fromisoformat(window["end"]):
            return starts_at
    raise ApplicationError.invalid_field(
        "starts_at",
        _(
            "Choose a start inside one of the customer's windows (the job must end "
            "inside it too), or send a counter-proposal."
        ),
        code=errors.INVALID_TIME,
    )


def _set_time(booking: Booking, starts_at: datetime) -> None:
    buffer = timedelta(minutes=schedule_of(booking.provider).buffer_minutes)
    booking.starts_at = starts_at
    booking.ends_at = starts_at + timedelta(minutes=booking.duration_minutes)
    booking.blocked_until = booking.ends_at + buffer


def _save_times(booking: Booking) -> None:
    """Save so that the no-overlap constraint becomes a clean 409."""
    provider_write_lock(booking.provider_id)
    write_or_conflict(booking.save)


def _event_data(booking: Booking, action: str) -> dict:
    if action in ("accept", "accept_counter") and booking.starts_at:
        return {"starts_at": booking.starts_at.isoformat()}
    if action == "counter":
        return {"counter_starts_at": booking.counter_starts_at.isoformat()}
    return {}


def bookings_expire_due(*, now: datetime | None = None) -> int:
    """Expire every unanswered request past its deadline (safe to run twice)."""
    now = now or timezone.now()
    expired = 0
    for booking in Booking.objects.filter(status=S.REQUESTED, expires_at__lte=now):
        try:
            booking_transition(
                booking=booking, action="expire", actor=None, reason="No answer in time.", now=now
            )
        except Conflict:
            continue  # answered meanwhile
        expired += 1
    return expired
