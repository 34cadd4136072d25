"""E-mails about booking events, in each recipient's language, with .ics attachments."""

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from quartier.bookings import flow
from quartier.bookings.calendars import booking_invite
from quartier.bookings.models import Booking, BookingEvent
from quartier.marketplace.selectors import marketplace_settings

# Who hears about each action: the other party, or both.
_BOTH = {"confirm", "expire", "broadcast_accept"}


def send_booking_event(*, booking_id: int, event_id: int) -> int:
    booking = (
        Booking.objects.select_related("customer", "provider__user", "listing", "category")
        .filter(pk=booking_id)
        .first()
    )
    event = BookingEvent.objects.filter(pk=event_id, booking_id=booking_id).first()
    if booking is None or event is None:
        return 0
    action = event.data.get("action", "request")
    sent = 0
    recipients = flow.mail_recipients(booking, action, _recipients(booking, event, action))
    for recipient in recipients:
        sent += _send(booking, event, action, recipient)
    return sent


def _recipients(booking: Booking, event: BookingEvent, action: str):
    parties = [booking.customer]
    if booking.provider is not None:
        parties.append(booking.provider.user)
    elif action == "request":  # a broadcast: every invited provider hears of it
        parties += [
            invite.provider.user for invite in booking.invites.select_related("provider__user")
        ]
    if action in _BOTH or event.actor_id is None:
        return parties
    return [user for user in parties if user.pk != event.actor_id]


def _send(booking: Booking, event: BookingEvent, action: str, recipient) -> int:
    settings_row = marketplace_settings()
    language = recipient.preferred_language or settings_row.default_language
    context = {
        "booking": booking,
        "event": event,
        "action": action,
        "recipient": recipient,
        "marketplace": settings_row.display_name,
        "is_provider": booking.provider is not None and recipient.pk == booking.provider.user_id,
    }
    with translation.override(language):
        subject = render_to_string("bookings/email/event_subject.txt", context).strip()
        body = render_to_string("bookings/email/event_body.txt", context)
    message = EmailMultiAlternatives(subject=subject, body=body, to=[recipient.email])
    if booking.starts_at and action in ("confirm", "cancel"):
        message.attach(
            "booking.ics",
            booking_invite(booking, cancelled=action == "cancel"),
            "text/calendar; method=" + ("CANCEL" if action == "cancel" else "REQUEST"),
        )
    return message.send()


def register() -> None:
    """Booking e-mails are delivered from the outbox (written by booking_event_announce)."""
    from quartier.bookings.services.lifecycle import NOTIFY_KIND
    from quartier.outbox.services import outbox_handler_register

    outbox_handler_register(
        NOTIFY_KIND,
        lambda payload: send_booking_event(
            booking_id=payload["booking_id"], event_id=payload["event_id"]
        ),
    )
