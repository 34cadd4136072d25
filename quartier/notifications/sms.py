"""Text messages for the notifications that matter most, through the accounts' SMS
backend. One outbox row per notification (`notifications.sms`), queued after commit and,
during the recipient's quiet hours, due only at their end."""

from django.db import connection
from django.utils import translation
from django.utils.translation import gettext

SMS_KIND = "notifications.sms"


def _site_url(path: str) -> str:
    """The tenant's own address before the path: a text message has no page to be
    relative to."""
    tenant = getattr(connection, "tenant", None)
    domain = tenant.get_primary_domain() if hasattr(tenant, "get_primary_domain") else None
    if domain is None:
        return path
    return f"https://{domain.domain}{path}"


def text_of(notification) -> str:
    from quartier.marketplace.selectors import marketplace_settings

    recipient = notification.recipient
    language = recipient.preferred_language or marketplace_settings().default_language
    with translation.override(language):
        return gettext("%(title)s: %(url)s") % {
            "title": notification.title,
            "url": _site_url(notification.url or "/notifications/"),
        }


def deliver_sms(payload: dict) -> None:
    """Outbox delivery of `notifications.sms`: one notification to its recipient's phone."""
    from quartier.accounts.sms import send_sms
    from quartier.notifications.models import Notification

    notification = (
        Notification.objects.select_related("recipient")
        .filter(pk=payload["notification_id"])
        .first()
    )
    if notification is None:
        return
    recipient = notification.recipient
    # The number may have been removed or changed (unverified) since it was queued.
    if not recipient.phone or recipient.phone_verified_at is None:
        return
    send_sms(to=recipient.phone, text=text_of(notification))


def register() -> None:
    from quartier.outbox.services import outbox_handler_register

    outbox_handler_register(SMS_KIND, deliver_sms)
