"""Pages of the notification centre: the list, marking read, the preferences."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from quartier.notifications import selectors, services
from quartier.notifications.kinds import CHANNELS, KINDS, preference_kinds


@login_required
def notification_list(request):
    notifications = list(selectors.notifications_of(request.user)[: selectors.PAGE_SIZE])
    return render(
        request,
        "notifications/notification_list.html",
        {
            "notifications": notifications,
            "unread": sum(1 for notification in notifications if not notification.is_read),
        },
    )


def _back(request):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("notifications:list")


@login_required
@require_POST
def notification_read(request, pk):
    notification = selectors.notification_get_for_user(pk=pk, user=request.user)
    if notification is None:
        raise Http404
    services.notification_mark_read(notification=notification, reader=request.user)
    return _back(request)


@login_required
@require_POST
def notifications_read_all(request):
    services.notifications_mark_all_read(reader=request.user)
    messages.success(request, _("All notifications are marked as read."))
    return redirect("notifications:list")


@login_required
def preferences(request):
    if request.method == "POST":
        enabled = set()
        for value in request.POST.getlist("enabled"):
            kind, _separator, channel = value.partition(":")
            if kind in preference_kinds(request.user) and channel in CHANNELS:
                enabled.add((kind, channel))
        services.notification_preferences_set(user=request.user, enabled=enabled)
        messages.success(request, _("Your notification settings are saved."))
        return redirect("notifications:preferences")
    enabled = selectors.enabled_preferences(request.user)
    rows = [
        {
            "label": KINDS[kind].label,
            "channels": [
                {
                    "value": f"{kind}:{channel}",
                    "label": label,
                    "checked": (kind, channel) in enabled,
                }
                for channel, label in CHANNELS.items()
            ],
        }
        for kind in preference_kinds(request.user)
    ]
    return render(
        request,
        "notifications/preferences.html",
        {"rows": rows, "channels": list(CHANNELS.values())},
    )
