"""Writes of the notification centre. The one path creating notifications is
`notifications_create`, called by the subscribers in the publisher's transaction; live
delivery goes through the outbox after commit."""

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from quartier.accounts.models import User
from quartier.notifications.kinds import (
    CHANNEL_IN_APP,
    CHANNEL_LIVE,
    CHANNELS,
    KINDS,
    preference_kind,
    preference_kinds,
)
from quartier.notifications.models import Notification, NotificationPreference
from quartier.outbox.services import outbox_enqueue

LIVE_KIND = "notifications.live"


@transaction.atomic
def notifications_create(
    *, recipient_ids: Iterable[int], kind: str, url: str = "", params: dict | None = None
) -> list[Notification]:
    """Store a `kind` notification for each recipient who keeps the centre on for it,
    and queue live delivery for those who keep live updates on."""
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
    for notification in notifications:
        if (notification.recipient_id, CHANNEL_LIVE) in switched_off:
            continue
        outbox_enqueue(
            kind=LIVE_KIND,
            payload={"notification_id": notification.pk},
            dedupe_key=f"notification:{notification.pk}:live",
        )
    return notifications


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
            for channel in CHANNELS
            if (kind, channel) not in enabled
        ]
    )
