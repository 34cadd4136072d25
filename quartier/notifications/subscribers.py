"""Domain events that become notifications (registered in NotificationsConfig.ready).

Each handler runs in the publisher's transaction and only decides who hears of what;
`notifications_create` stores the rows and queues their delivery.
"""

from django.conf import settings
from django.urls import reverse

from quartier.billing.events import PayoutSent
from quartier.bookings.events import (
    BookingTransitioned,
    BroadcastEscalated,
    BroadcastInvited,
    DisputeOpened,
    MessageSent,
)
from quartier.catalog.events import OfferMade
from quartier.platform.events import subscribe
from quartier.trust.events import BadgeAwarded, BadgeExpiring, VettingDecided

# The booking action -> the kind its other party (or parties) hear of.
_BOOKING_KINDS = {
    "request": "booking_requested",
    "accept": "booking_accepted",
    "broadcast_accept": "booking_accepted",
    "decline": "booking_declined",
    "cancel": "booking_cancelled",
    "complete": "booking_completed",
}


def _provider_user_ids(provider_ids) -> list[int]:
    from quartier.providers.models import ProviderProfile

    return list(
        ProviderProfile.objects.filter(pk__in=list(provider_ids))
        .order_by("pk")
        .values_list("user_id", flat=True)
    )


def _create(**kwargs) -> None:
    from quartier.notifications.services import notifications_create

    notifications_create(**kwargs)


def booking_transitioned(event: BookingTransitioned) -> None:
    kind = _BOOKING_KINDS.get(event.transition)
    # A broadcast request has no provider yet: its invites are BroadcastInvited.
    if kind is None or (kind == "booking_requested" and event.provider_id is None):
        return
    provider_users = _provider_user_ids([event.provider_id]) if event.provider_id else []
    parties = [event.customer_id, *provider_users]
    recipients = [pk for pk in parties if pk != event.actor_id]
    _create(
        recipient_ids=recipients,
        kind=kind,
        url=reverse("bookings:detail", args=[event.booking_id]),
        params={"booking_id": event.booking_id},
    )
    if kind == "booking_completed":
        _review_reminders(event)


def _review_reminders(event: BookingTransitioned) -> None:
    """Reviews go both ways: each party is asked to review the other, by name."""
    from quartier.accounts.models import User
    from quartier.providers.models import ProviderProfile

    if event.provider_id is None:
        return
    provider = ProviderProfile.objects.select_related("user").get(pk=event.provider_id)
    customer = User.objects.get(pk=event.customer_id)
    url = reverse("bookings:detail", args=[event.booking_id]) + "#reviews"
    asked = [(customer, provider.display_name), (provider.user, customer.display_name)]
    for recipient, name in asked:
        _create(
            recipient_ids=[recipient.pk],
            kind="review_reminder",
            url=url,
            params={"booking_id": event.booking_id, "name": name},
        )


def broadcast_invited(event: BroadcastInvited) -> None:
    # The invite opens the helper's page with Accept and Decline (and "already taken").
    _create(
        recipient_ids=_provider_user_ids(event.provider_ids),
        kind="broadcast_invite",
        url=reverse("workspace:broadcast", args=[event.booking_id]),
        params={"booking_id": event.booking_id},
    )


def broadcast_escalated(event: BroadcastEscalated) -> None:
    """Ring 3: the tenant's admins (its support team) hear of the request nobody took."""
    from quartier.accounts.models import User

    admins = User.objects.filter(role=User.Role.ADMIN, is_active=True).order_by("pk")
    _create(
        recipient_ids=list(admins.values_list("pk", flat=True)),
        kind="support_escalation",
        url=reverse("backoffice:dispatch"),
        params={"booking_id": event.booking_id},
    )


def offer_made(event: OfferMade) -> None:
    _create(
        recipient_ids=[event.customer_id],
        kind="offer_received",
        url=reverse("catalog:task", args=[event.task_id]),
        params={"task_id": event.task_id, "offer_id": event.offer_id},
    )


def message_sent(event: MessageSent) -> None:
    _create(
        recipient_ids=[event.recipient_id],
        kind="message_received",
        url=reverse("bookings:detail", args=[event.booking_id]),
        params={"booking_id": event.booking_id, "message_id": event.message_id},
    )


def vetting_decided(event: VettingDecided) -> None:
    _create(
        recipient_ids=_provider_user_ids([event.provider_id]),
        kind="vetting_approved" if event.approved else "vetting_rejected",
        url=reverse("workspace:vetting"),
        params={"application_id": event.application_id},
    )


def badge_awarded(event: BadgeAwarded) -> None:
    _create(
        recipient_ids=_provider_user_ids([event.provider_id]),
        kind="badge_awarded",
        url=reverse("storefront:provider", args=[event.provider_id]),
        params={"badge_id": event.badge_id},
    )


def badge_expiring(event: BadgeExpiring) -> None:
    _create(
        recipient_ids=_provider_user_ids([event.provider_id]),
        kind="badge_expiring",
        url=reverse("storefront:provider", args=[event.provider_id]),
        params={"badge_id": event.badge_id, "award_id": event.award_id},
    )


def payout_sent(event: PayoutSent) -> None:
    _create(
        recipient_ids=_provider_user_ids([event.provider_id]),
        kind="payout_sent",
        # Stripe's webhook may record it on the platform's host: the link is a tenant page.
        url=reverse("workspace:payouts", urlconf=settings.ROOT_URLCONF),
        params={
            "payout_id": event.payout_id,
            "amount_minor": event.amount_minor,
            "currency": event.currency,
        },
    )


def dispute_opened(event: DisputeOpened) -> None:
    """The marketplace's admins settle disputes: each of them hears of a new one."""
    from quartier.accounts.models import User

    admins = User.objects.filter(role=User.Role.ADMIN, is_active=True).order_by("pk")
    _create(
        recipient_ids=list(admins.values_list("pk", flat=True)),
        kind="dispute_opened",
        # A card dispute arrives by webhook on the platform's host: the link is a
        # tenant page all the same.
        url=reverse("backoffice:dispute", args=[event.dispute_id], urlconf=settings.ROOT_URLCONF),
        params={"booking_id": event.booking_id, "dispute_id": event.dispute_id},
    )


def booking_mail_keep(booking, action: str, users: list) -> list:
    """Drop from a booking e-mail's recipients whoever has e-mail off for its kind (their
    own switch, else the tenant's default); an action without a kind, such as a
    confirmation, always goes out."""
    from quartier.notifications.kinds import CHANNEL_EMAIL
    from quartier.notifications.selectors import channel_switches

    def kind_for(user) -> str | None:
        if action == "request" and booking.provider_id is None and user.pk != booking.customer_id:
            return "broadcast_invite"
        return _BOOKING_KINDS.get(action)

    kinds = {user.pk: kind_for(user) for user in users}
    switches = {}
    for kind in {kind for kind in kinds.values() if kind}:
        user_ids = [pk for pk, found in kinds.items() if found == kind]
        switches.update(
            {
                pk: switch
                for (pk, channel), switch in channel_switches(user_ids, kind).items()
                if channel == CHANNEL_EMAIL
            }
        )
    return [user for user in users if not kinds[user.pk] or switches.get(user.pk, True)]


def register() -> None:
    from quartier.bookings.flow import mail_filter_register

    mail_filter_register(booking_mail_keep)
    subscribe(BookingTransitioned, booking_transitioned)
    subscribe(BroadcastInvited, broadcast_invited)
    subscribe(BroadcastEscalated, broadcast_escalated)
    subscribe(OfferMade, offer_made)
    subscribe(MessageSent, message_sent)
    subscribe(VettingDecided, vetting_decided)
    subscribe(BadgeAwarded, badge_awarded)
    subscribe(DisputeOpened, dispute_opened)
    subscribe(BadgeExpiring, badge_expiring)
    subscribe(PayoutSent, payout_sent)
