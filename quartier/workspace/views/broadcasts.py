"""Broadcast invites: urgent requests sent to every helper in range; the first to accept
gets the job, the others learn that another helper was faster (never "not found")."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from quartier.bookings import errors as booking_errors
from quartier.bookings import selectors as booking_selectors
from quartier.bookings.services import requests
from quartier.platform.errors import ApplicationError
from quartier.workspace.views.common import helper_page


@helper_page
def broadcast_list(request, profile):
    return render(
        request,
        "workspace/broadcasts.html",
        {
            "invites": list(booking_selectors.open_broadcasts_for(profile)[:50]),
            "section": "broadcasts",
        },
    )


def _page(request, profile, booking, *, error: str = "", status: int = 200):
    taken = booking.provider_id is not None and booking.provider_id != profile.pk
    return render(
        request,
        "workspace/broadcast.html",
        {
            "booking": booking,
            "mine": booking.provider_id == profile.pk,
            "taken": taken or error == "taken",
            "is_open": booking.provider_id is None and booking.status == "requested",
            "action_error": "" if error == "taken" else error,
            "section": "broadcasts",
        },
        status=status,
    )


@helper_page
def broadcast_page(request, profile, pk):
    booking = booking_selectors.broadcast_get_for_provider(booking_id=pk, provider=profile)
    return _page(request, profile, booking)


def _refused(request, profile, booking, error: ApplicationError):
    booking.refresh_from_db()
    if error.code == booking_errors.BROADCAST_TAKEN and booking.provider_id != profile.pk:
        return _page(request, profile, booking, error="taken", status=409)
    return _page(request, profile, booking, error=error.message, status=error.status)


@helper_page
@require_POST
def broadcast_accept(request, profile, pk):
    booking = booking_selectors.broadcast_get_for_provider(booking_id=pk, provider=profile)
    try:
        requests.broadcast_accept(booking=booking, provider=profile)
    except ApplicationError as error:
        return _refused(request, profile, booking, error)
    messages.success(request, _("The job is yours. The customer has been told."))
    return redirect("bookings:detail", pk=booking.pk)


@helper_page
@require_POST
def broadcast_decline(request, profile, pk):
    booking = booking_selectors.broadcast_get_for_provider(booking_id=pk, provider=profile)
    try:
        requests.broadcast_decline(booking=booking, provider=profile)
    except ApplicationError as error:
        return _refused(request, profile, booking, error)
    messages.success(request, _("You declined the request."))
    return redirect("workspace:broadcasts")
