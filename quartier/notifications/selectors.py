"""Reads of the notification centre."""

from django.db.models import Count, QuerySet

from quartier.accounts.models import User
from quartier.notifications.kinds import (
    CHANNELS,
    KINDS,
    all_kinds_for_defaults,
    built_in_default,
    channels_of,
    preference_kind,
    preference_kinds,
)
from quartier.notifications.models import (
    Notification,
    NotificationDefault,
    NotificationPreference,
    PushSubscription,
    QuietHours,
)

PAGE_SIZE = 50


def unread_count(user: User) -> int:
    """The bell's number: one COUNT over the partial index of unread rows."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def unread_counts(user_ids) -> dict[int, int]:
    """The bells of many users in one grouped COUNT (users with none are absent)."""
    return dict(
        Notification.objects.filter(recipient_id__in=list(user_ids), read_at__isnull=True)
        .values_list("recipient_id")
        .annotate(unread=Count("pk"))
        .values_list("recipient_id", "unread")
    )


def notifications_of(user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user)


def notification_get_for_user(*, pk: int, user: User) -> Notification | None:
    return Notification.objects.filter(pk=pk, recipient=user).first()


def tenant_defaults() -> dict[tuple[str, str], bool]:
    """The tenant admin's defaults, completed by the built-in ones, for every
    (kind, channel) pair that exists."""
    chosen = {
        (kind, channel): enabled
        for kind, channel, enabled in NotificationDefault.objects.values_list(
            "kind", "channel", "is_enabled"
        )
    }
    return {
        (kind, channel): chosen.get((kind, channel), built_in_default(channel))
        for kind in all_kinds_for_defaults()
        for channel in channels_of(kind)
    }


def channel_switches(user_ids: list[int], kind: str) -> dict[tuple[int, str], bool]:
    """(user id, channel) -> on/off for one kind: the user's own choice where there is
    one, else the tenant's default, else the built-in one."""
    kind = preference_kind(kind)
    channels = channels_of(kind)
    chosen = {
        (user_id, channel): enabled
        for user_id, channel, enabled in NotificationPreference.objects.filter(
            user_id__in=user_ids, kind=kind
        ).values_list("user_id", "channel", "is_enabled")
    }
    defaults = dict(
        NotificationDefault.objects.filter(kind=kind).values_list("channel", "is_enabled")
    )
    return {
        (user_id, channel): chosen.get(
            (user_id, channel), defaults.get(channel, built_in_default(channel))
        )
        for user_id in user_ids
        for channel in channels
    }


def enabled_preferences(user: User) -> set[tuple[str, str]]:
    """Every (kind, channel) pair the user keeps on (own choice, else the default)."""
    defaults = tenant_defaults()
    chosen = {
        (kind, channel): enabled
        for kind, channel, enabled in NotificationPreference.objects.filter(user=user).values_list(
            "kind", "channel", "is_enabled"
        )
    }
    return {
        (kind, channel)
        for kind in preference_kinds(user)
        for channel in channels_of(kind)
        if chosen.get((kind, channel), defaults[(kind, channel)])
    }


def quiet_hours_of(user: User) -> QuietHours | None:
    return QuietHours.objects.filter(user=user).first()


def quiet_hours_by_user(user_ids: list[int]) -> dict[int, QuietHours]:
    return {hours.user_id: hours for hours in QuietHours.objects.filter(user_id__in=user_ids)}


def push_subscriptions_of(user: User) -> QuerySet[PushSubscription]:
    return PushSubscription.objects.filter(user=user)


def preference_rows(kinds: list[str], enabled: set[tuple[str, str]]) -> list[dict]:
    """The kind-by-channel table of switches (the user's page and the tenant's)."""
    return [
        {
            "label": KINDS[kind].label,
            "channels": [
                {
                    "value": f"{kind}:{channel}",
                    "label": label,
                    "checked": (kind, channel) in enabled,
                    "offered": channel in channels_of(kind),
                }
                for channel, label in CHANNELS.items()
            ],
        }
        for kind in kinds
    ]
