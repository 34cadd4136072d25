"""Web Push: browsers' subscriptions and delivery through their push services.

A subscription (the browser's `PushSubscription.toJSON()`) is checked before it is
stored: the endpoint is where our workers will POST, so it must be https on an address
reachable from the internet (never our own network), and the keys must be a P-256 point
and a 16-byte secret, or no message could ever be encrypted for it.

Delivery is one outbox row per notification and device (`notifications.push`), sent
after commit with `pywebpush`: the payload encrypted per RFC 8291 (aes128gcm), signed
with the platform's VAPID key (RFC 8292). A push service answering 404 or 410 says the
subscription is gone: it is deleted. Anything else is retried by the outbox.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import json
import socket
from urllib.parse import urlparse

from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.db import connection
from django.utils import timezone, translation
from django.utils.translation import gettext

from quartier.platform.errors import ApplicationError

PUSH_KIND = "notifications.push"
INVALID_SUBSCRIPTION = "invalid_push_subscription"
GONE_STATUSES = {404, 410}


def is_enabled() -> bool:
    return bool(settings.WEB_PUSH_VAPID_PRIVATE_KEY and settings.WEB_PUSH_VAPID_PUBLIC_KEY)


def _b64url(value: str) -> bytes:
    value = value.strip()
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


def _refuse(field: str, message: str) -> ApplicationError:
    return ApplicationError.invalid_field(field, message, code=INVALID_SUBSCRIPTION)


def _is_private(hostname: str) -> bool:
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(hostname, None)}
    except (socket.gaierror, UnicodeError, OSError):
        return True
    return any(not ipaddress.ip_address(address.split("%")[0]).is_global for address in addresses)


def endpoint_check(endpoint: str) -> str:
    """An https endpoint on the internet (or, in tests only, any loopback address)."""
    endpoint = (endpoint or "").strip()
    if not endpoint:
        raise _refuse("endpoint", gettext("This browser sent no push address."))
    parsed = urlparse(endpoint)
    if len(endpoint) > 1000 or not parsed.hostname:
        raise _refuse("endpoint", gettext("This push address is not valid."))
    if settings.WEB_PUSH_ALLOW_PRIVATE and parsed.scheme in ("http", "https"):
        return endpoint
    if parsed.scheme != "https":
        raise _refuse("endpoint", gettext("A push address must use https."))
    if _is_private(parsed.hostname):
        raise _refuse("endpoint", gettext("This address is not reachable from the internet."))
    return endpoint


def keys_check(p256dh: str, auth: str) -> tuple[str, str]:
    try:
        point = _b64url(p256dh or "")
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
    except (ValueError, TypeError, binascii.Error):
        raise _refuse("p256dh", gettext("This browser sent a key that is not valid.")) from None
    try:
        secret = _b64url(auth or "")
    except (ValueError, binascii.Error):
        secret = b""
    if len(secret) != 16:
        raise _refuse("auth", gettext("This browser sent a key that is not valid."))
    return p256dh.strip(), auth.strip()


def message_of(notification) -> dict:
    """What the service worker shows: the title in the recipient's language, and the
    page it opens when tapped."""
    from quartier.marketplace.selectors import marketplace_settings

    recipient = notification.recipient
    language = recipient.preferred_language or marketplace_settings().default_language
    with translation.override(language):
        title = notification.title
        body = gettext("Tap to open.")
    return {
        "title": title,
        "body": body,
        "url": notification.url or "/notifications/",
        "tag": f"{connection.schema_name}-{notification.pk}",
    }


def deliver_push(payload: dict) -> None:
    """Outbox delivery of `notifications.push`: one notification to one device."""
    from pywebpush import WebPushException, webpush

    from quartier.notifications.models import Notification, PushSubscription

    if not is_enabled():
        return
    subscription = PushSubscription.objects.filter(pk=payload["subscription_id"]).first()
    notification = (
        Notification.objects.select_related("recipient")
        .filter(pk=payload["notification_id"])
        .first()
    )
    if subscription is None or notification is None:
        return  # unsubscribed (or the notification deleted) since: nothing to send
    try:
        endpoint_check(subscription.endpoint)  # the address may resolve elsewhere today
    except ApplicationError:
        subscription.delete()
        return
    try:
        webpush(
            subscription_info={
                "endpoint": subscription.endpoint,
                "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
            },
            data=json.dumps(message_of(notification), separators=(",", ":")),
            vapid_private_key=settings.WEB_PUSH_VAPID_PRIVATE_KEY,
            vapid_claims={"sub": settings.WEB_PUSH_SUBJECT},
            content_encoding="aes128gcm",
            timeout=settings.WEB_PUSH_TIMEOUT_SECONDS,
            ttl=settings.WEB_PUSH_TTL_SECONDS,
            headers={"Urgency": "high"},
        )
    except WebPushException as error:
        status = getattr(error.response, "status_code", None)
        if status in GONE_STATUSES:
            subscription.delete()  # the browser unsubscribed or the push service forgot it
            return
        raise
    PushSubscription.objects.filter(pk=subscription.pk).update(last_sent_at=timezone.now())


def register() -> None:
    from quartier.outbox.services import outbox_handler_register

    outbox_handler_register(PUSH_KIND, deliver_push)
