"""Every kind of notification: its title (rendered in the reader's language at display)
and its label on the preferences page. Stored rows keep the kind and its parameters only,
so a notification reads in whatever language its recipient uses today."""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from quartier.platform.errors import ApplicationError
from quartier.platform.money import Money


@dataclass(frozen=True)
class Kind:
    title: Promise
    label: Promise
    # Only the marketplace's admins receive it (and see its switch).
    admins_only: bool = False
    # Fills the title's %(name)s placeholders from the row's params at display.
    fill: Callable[[dict], dict] | None = None


def _payout_values(params: dict) -> dict:
    return {"amount": str(Money(int(params["amount_minor"]), params["currency"]))}


def _review_values(params: dict) -> dict:
    return {"name": str(params["name"])}


KINDS: dict[str, Kind] = {
    "booking_requested": Kind(_("New booking request"), _("Booking requests")),
    "broadcast_invite": Kind(_("Urgent request near you"), _("Urgent requests near you")),
    "booking_accepted": Kind(_("Your booking request was accepted"), _("Accepted requests")),
    "booking_declined": Kind(_("Your booking request was declined"), _("Declined requests")),
    "booking_cancelled": Kind(_("A booking was cancelled"), _("Cancelled bookings")),
    "booking_completed": Kind(_("A job was marked as completed"), _("Completed jobs")),
    "offer_received": Kind(_("New offer on your task"), _("Offers on your tasks")),
    "message_received": Kind(_("New message"), _("Messages")),
    "vetting_approved": Kind(_("Your vetting was approved"), _("Vetting decisions")),
    "vetting_rejected": Kind(_("Your vetting was not approved"), _("Vetting decisions")),
    "badge_awarded": Kind(_("You received a badge"), _("Badges")),
    "badge_expiring": Kind(_("Your badge expires soon"), _("Badges about to expire")),
    "review_reminder": Kind(
        _("Leave a review for %(name)s"), _("Reminders to leave a review"), fill=_review_values
    ),
    "payout_sent": Kind(
        _("Your payout of %(amount)s was sent"), _("Payouts sent"), fill=_payout_values
    ),
    "dispute_opened": Kind(
        _("A problem with a booking was reported"), _("Disputes to settle"), admins_only=True
    ),
    "support_escalation": Kind(
        _("An urgent request needs your support team"),
        _("Urgent requests nobody took"),
        admins_only=True,
    ),
}

# Kinds only the tenant's admins receive: the others' settings page leaves them out.
ADMIN_KINDS = frozenset(kind for kind, found in KINDS.items() if found.admins_only)

# The preferences page groups kinds that share a label (one switch for both vetting
# outcomes): the preference is stored under the first kind of the group.
PREFERENCE_KINDS: dict[str, str] = {"vetting_rejected": "vetting_approved"}

CHANNEL_IN_APP = "in_app"
CHANNEL_LIVE = "live"
CHANNEL_PUSH = "push"
CHANNEL_EMAIL = "email"
CHANNEL_SMS = "sms"
CHANNELS = {
    CHANNEL_IN_APP: _("In the notification centre"),
    CHANNEL_LIVE: _("Live on open pages"),
    CHANNEL_PUSH: _("Push to your devices"),
    CHANNEL_EMAIL: _("By e-mail"),
    CHANNEL_SMS: _("By text message"),
}
# Text messages cost money and wake people: only the kinds someone must act on soon
# have one, and it is off unless the user (or the tenant's default) turns it on.
SMS_KINDS = frozenset(
    {"broadcast_invite", "booking_requested", "booking_accepted", "booking_cancelled"}
)
# Channels held back during the user's quiet hours (the notification is stored anyway).
QUIET_CHANNELS = frozenset({CHANNEL_PUSH, CHANNEL_SMS})
# The kinds that have an e-mail at all (the booking e-mails, sent by bookings): the
# others offer no e-mail switch.
EMAIL_KINDS = frozenset(
    {
        "booking_requested",
        "broadcast_invite",
        "booking_accepted",
        "booking_declined",
        "booking_cancelled",
        "booking_completed",
    }
)


def channels_of(kind: str) -> list[str]:
    return [
        channel
        for channel in CHANNELS
        if (channel != CHANNEL_EMAIL or kind in EMAIL_KINDS)
        and (channel != CHANNEL_SMS or kind in SMS_KINDS)
    ]


def built_in_default(channel: str) -> bool:
    """On or off where neither the user nor the tenant chose."""
    return channel != CHANNEL_SMS


def all_kinds_for_defaults() -> list[str]:
    """Every kind the tenant sets defaults for (admins' kinds included)."""
    return [kind for kind in KINDS if kind not in PREFERENCE_KINDS]


def preference_kind(kind: str) -> str:
    return PREFERENCE_KINDS.get(kind, kind)


def preference_kinds(user=None) -> list[str]:
    """The kinds the preferences page offers (to `user`), in display order."""
    is_admin = bool(getattr(user, "is_tenant_admin", False))
    return [
        kind
        for kind in KINDS
        if kind not in PREFERENCE_KINDS and (is_admin or not KINDS[kind].admins_only)
    ]


def title_of(kind: str, params: dict | None = None) -> str:
    found = KINDS.get(kind)
    if not found:
        return kind
    if found.fill is None:
        return str(found.title)
    try:
        return str(found.title) % found.fill(params or {})
    except (KeyError, TypeError, ValueError, ApplicationError):
        # A row stored before its kind took parameters still reads as a sentence.
        return str(found.title).split("%(")[0].rstrip()
