"""Messages between the customer and the provider of a booking."""

import html

import nh3
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from quartier.accounts.models import User
from quartier.bookings.events import MessageSent
from quartier.bookings.models import Booking, Message
from quartier.platform.errors import ApplicationError
from quartier.platform.events import publish
from quartier.platform.uploads import document_clean

MAX_BODY = 5000


def clean_text(text: str) -> str:
    """Plain text: tags and comments are removed (not kept as markup); what remains is
    stored as text and escaped wherever it is shown."""
    return html.unescape(
        nh3.clean(text or "", tags=set(), attributes={}, strip_comments=True)
    ).strip()


@transaction.atomic
def message_send(*, booking: Booking, sender: User, body: str, attachment=None) -> Message:
    body = clean_text(body)
    if not body and attachment is None:
        raise ApplicationError.invalid_field("body", _("Write a message."))
    if len(body) > MAX_BODY:
        raise ApplicationError.invalid_field(
            "body", _("At most %(max_body)s characters.") % {"max_body": MAX_BODY}
        )
    message = Message(booking=booking, sender=sender, body=body)
    if attachment is not None:
        clean = document_clean(attachment, field="attachment")
        message.attachment_type = clean.content_type
        message.attachment.save(f"attachment.{clean.extension}", clean.content, save=False)
    message.save()
    publish(
        MessageSent(
            message_id=message.pk,
            booking_id=booking.pk,
            sender_id=sender.pk,
            recipient_id=_other_party_id(booking, sender),
        )
    )
    return message


def _other_party_id(booking: Booking, sender: User) -> int | None:
    if sender.pk == booking.customer_id:
        return booking.provider.user_id if booking.provider_id else None
    return booking.customer_id


@transaction.atomic
def messages_mark_read(*, booking: Booking, reader: User) -> int:
    """Mark what the other party sent as read; returns how many were new."""
    return (
        Message.objects.filter(booking=booking, read_at__isnull=True)
        .exclude(sender=reader)
        .update(read_at=timezone.now())
    )
