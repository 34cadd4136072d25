"""The support queue of urgent requests nobody took in time (escalation ring 3)."""

from quartier.backoffice.views import _page, admin_page
from quartier.bookings.models import DispatchPolicy
from quartier.bookings.selectors import broadcast_invited_counts, broadcasts_in_support


@admin_page
def dispatch_queue(request):
    waiting = list(broadcasts_in_support()[:100])
    counts = broadcast_invited_counts([booking.pk for booking in waiting])
    for booking in waiting:
        booking.invited = counts[booking.pk]
    return _page(
        request,
        "backoffice/dispatch.html",
        {
            "waiting": waiting,
            "policies": list(DispatchPolicy.objects.select_related("category")),
            "default_policy": DispatchPolicy(),
        },
    )
