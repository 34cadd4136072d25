"""Server-rendered catalog pages: posting a task, its offers and the answer to an offer.

Search, listing and provider pages show reviews and badges too: they live in
quartier.storefront, above bookings and trust.
"""

from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from quartier.catalog.forms import OfferResponseForm, OfferTimeForm, TaskForm
from quartier.catalog.models import TaskRequest
from quartier.catalog.selectors import catalog as selectors
from quartier.catalog.services import tasks as task_services
from quartier.marketplace.selectors import marketplace_settings
from quartier.platform.errors import ApplicationError, NotFound
from quartier.platform.forms import add_application_error, form_apply


@login_required
def task_new(request):
    """Post a task ("who can help me set up my WLAN?") for nearby helpers to offer on."""
    form = TaskForm(
        request.POST or None,
        categories=selectors.category_list(),
        currency=marketplace_settings().currency,
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                task = task_services.task_request_create(
                    customer=request.user, **form.service_arguments()
                )
            except ApplicationError as error:
                add_application_error(form, error)
                status = error.status
            else:
                messages.success(request, _("Your task is posted. Offers will appear here."))
                return redirect("catalog:task", pk=task.pk)
    return render(request, "catalog/task_new.html", {"form": form}, status=status)


@login_required
def task_detail(request, pk):
    task = selectors.task_get_visible(task_id=pk, user=request.user)
    offers = list(selectors.offers_for_task(task=task, user=request.user))
    return render(
        request,
        "catalog/task_detail.html",
        {
            "task": task,
            "offers": offers,
            "is_owner": task.customer_id == request.user.pk,
            "is_open": task.status == TaskRequest.Status.OPEN,
        },
    )


@login_required
@require_POST
def offer_respond(request, pk):
    """The task's customer accepts (a booking is made) or declines one offer."""
    offer = selectors.offer_get_for_user(offer_id=pk, user=request.user)
    form = OfferResponseForm(request.POST)
    if not form.is_valid():
        raise ApplicationError.invalid_field("decision", _("Accept or decline the offer."))
    if form.cleaned_data["decision"] == "accept":
        if offer.proposed_start is None:
            # The helper left the time open: the customer chooses it on the next page.
            return redirect("catalog:offer-accept", pk=offer.pk)
        offer = task_services.offer_accept(offer=offer, customer=request.user)
        messages.success(request, _("You accepted the offer; here is your booking."))
        return redirect("bookings:detail", pk=offer.booking_id)
    task_services.offer_decline(offer=offer, customer=request.user)
    messages.success(request, _("You declined the offer."))
    return redirect("catalog:task", pk=offer.task_id)


@login_required
def offer_accept_time(request, pk):
    """Accept an offer sent without a time: the customer chooses the day and start."""
    offer = selectors.offer_get_for_user(offer_id=pk, user=request.user)
    if offer.task.customer_id != request.user.pk:
        raise NotFound(_("No such offer."))
    form = OfferTimeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        zone = ZoneInfo(marketplace_settings().time_zone)
        status = form_apply(
            form,
            lambda data: task_services.offer_accept(
                offer=offer, customer=request.user, starts_at=form.starts_at(zone)
            ),
        )
        if status == 200:
            offer.refresh_from_db(fields=["booking_id"])
            messages.success(request, _("You accepted the offer; here is your booking."))
            return redirect("bookings:detail", pk=offer.booking_id)
    return render(
        request, "catalog/offer_accept.html", {"offer": offer, "form": form}, status=status
    )
