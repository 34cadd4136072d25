"""The booking state machine: every change goes through booking_transition(), or
booking_claim() for a broadcast (taken by one conditional UPDATE, not a row lock).
RULES is the one table of actions: the API's action URLs and the pages' buttons are
derived from it.

    requested -> accepted -> confirmed -> completed (by either party, once started)
    requested (broadcast) -> accepted by the first invited helper
    requested -> declined | expired | cancelled_by_customer | cancelled_by_provider
    accepted | confirmed -> cancelled_by_customer | cancelled_by_provider
    confirmed -> no_show (after the start)        confirmed | completed -> disputed

Each transition writes a BookingEvent (who, when, why), publishes BookingTransitioned
inside the transaction (billing opens, captures or releases the payment there), and
writes the notification e-mails to the outbox, delivered after commit. An illegal
transition is a 409 that carries the current status.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from quartier.accounts.models import User
from quartier.bookings import errors
from quartier.bookings.availability import schedule_of
from quartier.bookings.events import BookingTransitioned
from quartier.bookings.guard import provider_write_lock, write_or_conflict
from quartier.bookings.models import Booking, BookingEvent, BookingStatus
from quartier.catalog.models import Listing
from quartier.outbox.services import outbox_enqueue
from quartier.platform.errors import ApplicationError, Conflict, NotFound
from quartier.platform.events import publish
from quartier.providers.models import ProviderProfile
from quartier.providers.services import provider_completed_jobs_increment

S = BookingStatus
# The outbox kind of booking e-mails (delivered by quartier.bookings.notifications).
NOTIFY_KIND = "bookings.notify"
DISPUTE_WINDOW = timedelta(days=14)


@dataclass(frozen=True)
class Rule:
    """One action of the state machine: who may take it, from where, to where, and how
    the pages offer it. The API's action URLs, the page buttons and the 409 messages
    are all derived from RULES, so an action is added in one place."""

    sources: frozenset
    target: str  # "" for actions that change data but not the status (counter)
    who: str  # "customer", "provider", "either", "system" or "invited" (a broadcast)
    past: str  # "A requested booking cannot be <past>."
    button: str = ""  # the button on the booking pages; "" when the pages do not offer it
    done: str = ""  # the pages' message once it is done
    # Offered only when this holds too (e.g. there is a counter-proposal to accept).
    offered_when: Callable[[Booking], bool] | None = None


RULES = {
    "accept": Rule(
        frozenset({S.REQUESTED}),
        S.ACCEPTED,
        "provider",
        "accepted",
        gettext_lazy("Accept"),
        gettext_lazy("You accepted the request."),
    ),
    "decline": Rule(
        frozenset({S.REQUESTED}),
        S.DECLINED,
        "provider",
        "declined",
        gettext_lazy("Decline"),
        gettext_lazy("You declined the request."),
    ),
    "counter": Rule(frozenset({S.REQUESTED}), "", "provider", "countered"),
    "accept_counter": Rule(
        frozenset({S.REQUESTED}),
        S.ACCEPTED,
        "customer",
        "accepted",
        gettext_lazy("Accept the proposed time"),
        gettext_lazy("You accepted the proposed time."),
        offered_when=lambda booking: booking.counter_starts_at is not None,
    ),
    "confirm": Rule(
        frozenset({S.ACCEPTED}),
        S.CONFIRMED,
        "customer",
        "confirmed",
        gettext_lazy("Confirm"),
        gettext_lazy("The booking is confirmed."),
    ),
    # Either side may say the job is done once it has started: the customer need not
    # wait for a helper who forgets (billing captures the card on completion either way).
    "complete": Rule(
        frozenset({S.CONFIRMED}),
        S.COMPLETED,
        "either",
        "completed",
        gettext_lazy("Mark as completed"),
        gettext_lazy("The job is marked as completed."),
    ),
    "cancel": Rule(
        frozenset({S.REQUESTED, S.ACCEPTED, S.CONFIRMED}),
        "",
        "either",
        "cancelled",
        gettext_lazy("Cancel booking"),
        gettext_lazy("The booking is cancelled."),
    ),
    "no_show": Rule(frozenset({S.CONFIRMED}), S.NO_SHOW, "provider", "marked as a no-show"),
    "dispute": Rule(frozenset({S.CONFIRMED, S.COMPLETED}), S.DISPUTED, "either", "disputed"),
    "expire": Rule(frozenset({S.REQUESTED}), S.EXPIRED, "system", "expired"),
    "broadcast_accept": Rule(frozenset({S.REQUESTED}), S.ACCEPTED, "invited", "accepted"),
}
# The actions a party takes through booking_transition (one API URL each).
PARTY_ACTIONS = [
    name for name, rule in RULES.items() if rule.who in ("customer", "provider", "either")
]
# The actions the booking pages offer as buttons.
PAGE_ACTIONS = [name for name, rule in RULES.items() if rule.button]


def _roles(rule: Rule) -> set[str]:
    return {"customer", "provider"} if rule.who == "either" else {rule.who}


def actions_for(booking: Booking, user: User | None) -> list[str]:
    """The actions `user` may take on `booking` now, in the order of RULES."""
    role = role_of(booking, user)
    return [
        name
        for name, rule in RULES.items()
        if role in _roles(rule)
        and booking.status in rule.sources
        and (rule.offered_when is None or rule.offered_when(booking))
    ]


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
            % {"status": booking.status, "action": rule.past},
            extra={"status": booking.status},
        )
    target = _apply(booking, action, role, starts_at, now or timezone.now())
    before = booking.status
    if target:
        booking.status = target
    _save_times(booking)
    _record(booking, before=before, action=action, actor=actor, reason=reason)
    return booking


@transaction.atomic
def booking_claim(*, booking: Booking, provider: ProviderProfile, listing: Listing) -> Booking:
    """The broadcast_accept transition: an invited provider takes an open broadcast.

    First come, first served without a row lock: one conditional UPDATE (still open,
    no provider yet) decides between any number of concurrent helpers, and the losers
    get a 409 at once instead of queueing behind the winner's transaction.
    """
    rule = RULES["broadcast_accept"]
    duration = timedelta(minutes=booking.duration_minutes)
    buffer = timedelta(minutes=schedule_of(provider).buffer_minutes)

    def take():
        return Booking.objects.filter(
            pk=booking.pk, provider__isnull=True, status__in=rule.sources
        ).update(
            provider=provider,
            listing=listing,
            status=rule.target,
            ends_at=F("starts_at") + duration,
            blocked_until=F("starts_at") + duration + buffer,
            price_amount_minor=listing.price_amount_minor,
            price_currency=listing.price_currency,
            price_unit=listing.price_unit,
            updated_at=timezone.now(),
        )

    provider_write_lock(provider.pk)
    won = write_or_conflict(take, message=_("You are already booked at that time."))
    if not won:
        current = Booking.objects.get(pk=booking.pk)
        raise Conflict(
            errors.BROADCAST_TAKEN,
            _("Another helper was faster."),
            extra={"status": current.status},
        )
    booking = Booking.objects.select_related("provider", "customer").get(pk=booking.pk)
    _record(booking, before=S.REQUESTED, action="broadcast_accept", actor=provider.user)
    return booking


def _record(booking: Booking, *, before: str, action: str, actor: User | None, reason: str = ""):
    """What every transition leaves behind: its event, announced to other apps and by mail."""
    event = BookingEvent.objects.create(
        booking=booking,
        from_status=before,
        to_status=booking.status,
        actor=actor,
        reason=(reason or "")[:500],
        data={"action": action, **_event_data(booking, action)},
    )
    booking_event_announce(booking=booking, event=event)


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


def _check_actor(rule: Rule, role: str) -> None:
    if role not in _roles(rule):
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
            provider_completed_jobs_increment(provider_id=booking.provider_id)
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
