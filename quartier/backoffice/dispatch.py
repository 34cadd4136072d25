"""The support queue of urgent requests nobody took in time (escalation ring 3), and
the dispatch policy that decides when requests get there."""

from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from quartier.backoffice.forms import DispatchPolicyForm
from quartier.backoffice.views import _page, _submit, admin_page
from quartier.bookings.models import DispatchPolicy
from quartier.bookings.selectors import broadcast_invited_counts, broadcasts_in_support
from quartier.bookings.services.dispatch import dispatch_policy_set
from quartier.trust import selectors as trust_selectors


def _queue_page(request, form=None):
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
            "form": form or DispatchPolicyForm(badges=trust_selectors.badges()),
        },
        has_errors=form is not None,
    )


@admin_page
def dispatch_queue(request):
    return _queue_page(request)


@admin_page
@require_POST
def dispatch_policy(request):
    form = DispatchPolicyForm(request.POST, badges=trust_selectors.badges())
    return _submit(
        request,
        form,
        lambda data: dispatch_policy_set(**data),
        done=_("The dispatch policy is saved."),
        to="backoffice:dispatch",
        page=lambda form: _queue_page(request, form),
    )
