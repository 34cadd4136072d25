"""`notification_unread`: the bell's count, read only when a page shows the bell."""

from django.utils.functional import SimpleLazyObject


def notifications(request):
    if getattr(request, "tenant", None) is None:
        return {}

    def count() -> int:
        from quartier.notifications.selectors import unread_count

        user = request.user
        return unread_count(user) if user.is_authenticated else 0

    return {"notification_unread": SimpleLazyObject(count)}
