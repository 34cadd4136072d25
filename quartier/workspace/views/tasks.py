"""Tasks near me: the board of open tasks in the helper's area, a task with the offer
form, withdrawing an offer, and the helper's offers with their status."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from quartier.catalog.models import TaskRequest
from quartier.catalog.selectors import catalog as catalog_selectors
from quartier.catalog.selectors.search import TaskSearch, task_search
from quartier.catalog.services import tasks as task_services
from quartier.geo.projection import plane_distance_km
from quartier.marketplace.selectors import marketplace_settings
from quartier.platform.errors import ApplicationError, NotFound
from quartier.platform.money import Money
from quartier.workspace.forms import OfferForm, TaskFilterForm
from quartier.workspace.views.common import helper_page, submit


def tasks_near(profile, *, category: str | None = None, radius_km: int | None = None):
    """Open tasks near the helper, nearest first, as (task, distance in km) pairs."""
    if profile.location is None:
        return []
    category_ids = catalog_selectors.category_ids_with_children(category) if category else None
    page = task_search(
        TaskSearch(
            point=profile.location,
            radius_km=radius_km or profile.service_radius_km,
            category_ids=category_ids,
            limit=50,
        )
    )
    by_id = catalog_selectors.tasks_by_ids([row["id"] for row in page.results])
    return [(by_id[row["id"]], round(row["distance_km"], 1)) for row in page.results]


@helper_page
def task_board(request, profile):
    form = TaskFilterForm(
        request.GET or None,
        categories=catalog_selectors.category_list().select_related("parent"),
        radius_km=profile.service_radius_km,
    )
    category, radius_km = form.search() if request.GET else (None, profile.service_radius_km)
    offered = set(catalog_selectors.offers_of_provider(profile).values_list("task_id", flat=True))
    return render(
        request,
        "workspace/task_board.html",
        {
            "form": form,
            "tasks": tasks_near(profile, category=category, radius_km=radius_km),
            "offered": offered,
            "radius_km": radius_km,
            "section": "tasks",
        },
    )


def _task_for_helper(request, profile, pk) -> TaskRequest:
    task = catalog_selectors.task_get_visible(task_id=pk, user=request.user)
    if task.customer_id == request.user.pk:
        # A helper's own task is answered on the customer's page.
        raise NotFound(_("No such task."))
    return task


@helper_page
def task_page(request, profile, pk):
    task = _task_for_helper(request, profile, pk)
    own = catalog_selectors.offers_for_task(task=task, user=request.user).first()
    form = OfferForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and own is None:
        currency = marketplace_settings().currency
        status = submit(
            form,
            lambda data: task_services.offer_create(
                task=task,
                provider=profile,
                price=Money(form.price_minor(), currency),
                message=data["message"],
                proposed_start=form.proposed_start(),
                proposed_minutes=data["minutes"],
            ),
            names={"proposed_start": "day", "proposed_minutes": "minutes"},
        )
        if status == 200:
            messages.success(request, _("Your offer is sent. The customer will answer here."))
            return redirect("workspace:task", pk=task.pk)
    elif request.method == "POST":
        status = 409
        messages.error(request, _("You already sent an offer for this task."))
    return render(
        request,
        "workspace/task.html",
        {
            "task": task,
            "own": own,
            "form": form,
            "windows": [
                (parse_datetime(window["start"]), parse_datetime(window["end"]))
                for window in task.preferred_windows
            ],
            "distance": round(plane_distance_km(task.location, profile.location), 1)
            if profile.location is not None and task.location is not None
            else None,
            "section": "tasks",
        },
        status=status,
    )


@helper_page
@require_POST
def offer_withdraw(request, profile, pk):
    offer = catalog_selectors.offer_get_for_user(offer_id=pk, user=request.user)
    if offer.provider_id != profile.pk:
        raise NotFound(_("No such offer."))
    try:
        task_services.offer_withdraw(offer=offer, provider=profile)
    except ApplicationError:
        messages.error(request, _("Only offers still waiting for an answer can be withdrawn."))
        return redirect("workspace:offers")
    messages.success(request, _("Your offer is withdrawn."))
    return redirect("workspace:offers")


@helper_page
def offer_list(request, profile):
    return render(
        request,
        "workspace/offers.html",
        {"offers": list(catalog_selectors.offers_of_provider(profile)[:100]), "section": "offers"},
    )
