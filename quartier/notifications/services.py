"""Writes of the notification centre. The one path creating notifications is
`notifications_create`, called by the subscribers in the publisher's transaction; live
delivery goes through the outbox after commit."""

from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from quartier.accounts.models import User
from quartier.notifications import push
from quartier.notifications.kinds import (
    CHANNEL_IN_APP,
    CHANNEL_LIVE,
    CHANNEL_PUSH,
    KINDS,
    channels_of,
    preference_kind,
    preference_kinds,
)
from quartier.notifications.models import Notification, NotificationPreference, PushSubscription
from quartier.outbox.services import outbox_enqueue

LIVE_KIND = "notifications.live"


@transaction.atomic
def notifications_create(
    *, recipient_ids: Iterable[int], kind: str, url: str = "", params: dict | None = None
) -> list[Notification]:
    """Store a `kind` notification for each recipient who keeps the centre on for it,
    and queue live delivery for those who keep live updates on, and a push to each
    subscribed device of those who keep push on."""
    if kind not in KINDS:
        raise LookupError(f"unknown notification kind {kind!r}")
    recipient_ids = list(dict.fromkeys(pk for pk in recipient_ids if pk is not None))
    if not recipient_ids:
        return []
    switched_off = set(
        NotificationPreference.objects.filter(
            user_id__in=recipient_ids, kind=preference_kind(kind), is_enabled=False
        ).values_list("user_id", "channel")
    )
    notifications = Notification.objects.bulk_create(
        [
            Notification(recipient_id=pk, kind=kind, url=url, params=params or {})
            for pk in recipient_ids
            if (pk, CHANNEL_IN_APP) not in switched_off
        ]
    )
    live = [
        notification.pk
        for notification in notifications
        if (notification.recipient_id, CHANNEL_LIVE) not in switched_off
    ]
    # One outbox row for the whole fan-out (a broadcast invites hundreds): delivered as
    # one read and one Redis pipeline instead of a row, its queries and its round trips
    # per recipient. The first id names the row: each notification is in one row only.
    if live:
        outbox_enqueue(
            kind=LIVE_KIND,
            payload={"notification_ids": live},
            dedupe_key=f"notification:{live[0]}:live",
        )
    _enqueue_push(notifications, switched_off)
    return notifications


def _enqueue_push(notifications: list[Notification], switched_off: set) -> None:
    wanted = {
        notification.recipient_id: notification
        for notification in notifications
        if (notification.recipient_id, CHANNEL_PUSH) not in switched_off
    }
    if not wanted or not push.is_enabled():
        return
    # One row per device: a retry after a failed push never repeats the sent ones.
    for pk, user_id in PushSubscription.objects.filter(user_id__in=list(wanted)).values_list(
        "pk", "user_id"
    ):
        notification = wanted[user_id]
        outbox_enqueue(
            kind=push.PUSH_KIND,
            payload={"notification_id": notification.pk, "subscription_id": pk},
            dedupe_key=f"notification:{notification.pk}:push:{pk}",
        )


@transaction.atomic
def notification_mark_read(*, notification: Notification, reader: User) -> bool:
    """Mark one of the reader's notifications read; False when it was read already."""
    return bool(
        Notification.objects.filter(
            pk=notification.pk, recipient=reader, read_at__isnull=True
        ).update(read_at=timezone.now())
    )


@transaction.atomic
def notifications_mark_all_read(*, reader: User) -> int:
    return Notification.objects.filter(recipient=reader, read_at__isnull=True).update(
        read_at=timezone.now()
    )


@transaction.atomic
def notification_preferences_set(*, user: User, enabled: set[tuple[str, str]]) -> None:
    """Keep exactly the (kind, channel) pairs in `enabled` on; every other one off."""
    NotificationPreference.objects.filter(user=user).delete()
    NotificationPreference.objects.bulk_create(
        [
            NotificationPreference(user=user, kind=kind, channel=channel, is_enabled=False)
            for kind in preference_kinds(user)
            for channel in channels_of(kind)
            if (kind, channel) not in enabled
        ]
    )


@transaction.atomic
def push_subscription_save(
    *, user: User, endpoint: str, p256dh: str, auth: str, user_agent: str = ""
) -> PushSubscription:
    """Store (or take over) one browser's subscription; the oldest devices beyond the
    limit are dropped. Raises ApplicationError naming the field for anything unusable."""
    endpoint = push.endpoint_check(endpoint)
    p256dh, auth = push.keys_check(p256dh, auth)
    subscription, _created = PushSubscription.objects.update_or_create(
        endpoint=endpoint,
        defaults={"user": user, "p256dh": p256dh, "auth": auth, "user_agent": user_agent[:200]},
    )
    keep = PushSubscription.objects.filter(user=user).values_list("pk", flat=True)[
        : settings.WEB_PUSH_MAX_DEVICES
    ]
    PushSubscription.objects.filter(user=user).exclude(pk__in=list(keep)).delete()
    return subscription


@transaction.atomic
def push_subscription_delete(*, user: User, pk: int | None = None, endpoint: str = "") -> int:
    """Remove one of the user's own subscriptions, by id (the page) or endpoint (the
    script after the browser unsubscribed); returns how many were removed."""
    subscriptions = PushSubscription.objects.filter(user=user)
    if pk is not None:
        subscriptions = subscriptions.filter(pk=pk)
    elif endpoint:
        subscriptions = subscriptions.filter(endpoint=endpoint)
    else:
        return 0
    deleted, _rows = subscriptions.delete()
    return deleted
