"""The tenant's notification defaults: per kind and channel, on or off for every user
who has not chosen for themselves."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from quartier.backoffice.views import _page, admin_page
from quartier.notifications.kinds import CHANNELS, all_kinds_for_defaults, channels_of
from quartier.notifications.selectors import preference_rows, tenant_defaults
from quartier.notifications.services import notification_defaults_set


@admin_page
def notification_defaults(request):
    if request.method == "POST":
        kinds = all_kinds_for_defaults()
        enabled = set()
        for value in request.POST.getlist("enabled"):
            kind, _separator, channel = value.partition(":")
            if kind in kinds and channel in channels_of(kind):
                enabled.add((kind, channel))
        notification_defaults_set(enabled=enabled)
        messages.success(request, _("The notification defaults are saved."))
        return redirect("backoffice:notifications")
    defaults = tenant_defaults()
    return _page(
        request,
        "backoffice/notifications.html",
        {
            "rows": preference_rows(
                all_kinds_for_defaults(), {pair for pair, on in defaults.items() if on}
            ),
            "channels": list(CHANNELS.values()),
        },
    )
