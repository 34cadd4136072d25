"""Reads of the notification centre."""

from django.db.models import Count, QuerySet

from quartier.accounts.models import User
from quartier.notifications.kinds import channels_of, preference_kinds
from quartier.notifications.models import Notification, NotificationPreference, PushSubscription

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


def enabled_preferences(user: User) -> set[tuple[str, str]]:
    """Every (kind, channel) pair the user keeps on."""
    off = set(
        NotificationPreference.objects.filter(user=user, is_enabled=False).values_list(
            "kind", "channel"
        )
    )
    return {
        (kind, channel)
        for kind in preference_kinds(user)
        for channel in channels_of(kind)
        if (kind, channel) not in off
    }


def push_subscriptions_of(user: User) -> QuerySet[PushSubscription]:
    return PushSubscription.objects.filter(user=user)
