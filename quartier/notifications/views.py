"""Pages of the notification centre: the list, marking read, the preferences."""

import json
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from quartier.notifications import push, selectors, services
from quartier.notifications.forms import QuietHoursForm
from quartier.notifications.kinds import CHANNELS, channels_of, preference_kinds
from quartier.platform.errors import ApplicationError

SERVICE_WORKER = Path(__file__).parent / "static" / "notifications" / "sw.js"


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
            if kind in preference_kinds(request.user) and channel in channels_of(kind):
                enabled.add((kind, channel))
        services.notification_preferences_set(user=request.user, enabled=enabled)
        messages.success(request, _("Your notification settings are saved."))
        return redirect("notifications:preferences")
    return _preferences_page(request)


def _preferences_page(request, quiet_form=None):
    enabled = selectors.enabled_preferences(request.user)
    hours = selectors.quiet_hours_of(request.user)
    if quiet_form is None:
        quiet_form = QuietHoursForm(
            initial={"start": hours.start, "end": hours.end} if hours else None
        )
    return render(
        request,
        "notifications/preferences.html",
        {
            "rows": selectors.preference_rows(preference_kinds(request.user), enabled),
            "channels": list(CHANNELS.values()),
            "push_enabled": push.is_enabled(),
            "push_public_key": settings.WEB_PUSH_VAPID_PUBLIC_KEY,
            "devices": list(selectors.push_subscriptions_of(request.user)),
            "quiet_form": quiet_form,
            "has_phone": bool(request.user.phone and request.user.phone_verified_at),
        },
        status=400 if quiet_form.is_bound else 200,
    )


@login_required
@require_POST
def quiet_hours(request):
    form = QuietHoursForm(request.POST)
    if not form.is_valid():
        return _preferences_page(request, form)
    services.quiet_hours_set(
        user=request.user, start=form.cleaned_data["start"], end=form.cleaned_data["end"]
    )
    messages.success(request, _("Your quiet hours are saved."))
    return redirect("notifications:preferences")


def _subscription_fields(request) -> dict:
    """The browser's PushSubscription.toJSON() as JSON, or the same as form fields."""
    if request.content_type == "application/json":
        try:
            body = json.loads(request.body or b"{}")
        except (ValueError, UnicodeDecodeError):
            body = None
        if not isinstance(body, dict):
            raise ApplicationError.invalid_field(
                "endpoint", _("This browser sent no push address."), code=push.INVALID_SUBSCRIPTION
            )
        keys = body.get("keys") if isinstance(body.get("keys"), dict) else {}
        fields = {"endpoint": body.get("endpoint"), **keys}
    else:
        fields = request.POST.dict()
    return {
        name: value if isinstance(value, str) else ""
        for name, value in ((name, fields.get(name, "")) for name in ("endpoint", "p256dh", "auth"))
    }


@login_required
@require_POST
def push_subscribe(request):
    """Called by the settings page's script after the browser subscribed (JSON)."""
    try:
        subscription = services.push_subscription_save(
            user=request.user,
            **_subscription_fields(request),
            user_agent=request.headers.get("User-Agent", ""),
        )
    except ApplicationError as error:
        return JsonResponse(error.as_dict(), status=error.status)
    return JsonResponse({"id": subscription.pk}, status=201)


@login_required
@require_POST
def push_unsubscribe(request):
    """Called by the script after the browser dropped its subscription (JSON)."""
    try:
        endpoint = _subscription_fields(request)["endpoint"]
    except ApplicationError as error:
        return JsonResponse(error.as_dict(), status=error.status)
    removed = services.push_subscription_delete(user=request.user, endpoint=endpoint)
    return JsonResponse({"removed": removed})


@login_required
@require_POST
def push_device_remove(request, pk):
    """The settings page's "Remove" button (works without JavaScript)."""
    if not services.push_subscription_delete(user=request.user, pk=pk):
        raise Http404
    messages.success(request, _("This device no longer gets push notifications."))
    return redirect("notifications:preferences")


def service_worker(request):
    """The service worker, served from the site's root so that it may control every
    page (a script under /static/ could only control /static/)."""
    return HttpResponse(
        SERVICE_WORKER.read_text(encoding="utf-8"),
        content_type="text/javascript; charset=utf-8",
        headers={"Cache-Control": "no-cache", "Service-Worker-Allowed": "/"},
    )
