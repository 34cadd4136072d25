"""The listings editor: the helper's services with their status; create, edit, publish,
pause, delete."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from quartier.catalog import errors as catalog_errors
from quartier.catalog.models import Listing
from quartier.catalog.selectors.catalog import category_list, listing_get_owned, listings_of_user
from quartier.catalog.services import listings
from quartier.catalog.services.listings import MAX_PHOTOS
from quartier.marketplace.selectors import marketplace_settings
from quartier.platform.errors import ApplicationError
from quartier.providers.selectors import provider_profile_of
from quartier.workspace.forms import ListingForm, ListingPhotosForm
from quartier.workspace.views.common import helper_page, submit
from quartier.workspace.views.wizard import (
    listing_initial,
    listing_preview,
    listing_save,
    may_publish,
)

ACTIONS = {
    "publish": (Listing.Status.PUBLISHED, gettext_lazy("Your service is online.")),
    "pause": (Listing.Status.PAUSED, gettext_lazy("Your service is paused.")),
}
# Where a status button may send the helper back to (never a free URL).
RETURN_TO = {"listings": "workspace:listings", "done": "workspace:done"}


def _listings_page(request, *, error: str = "", status: int = 200):
    profile = provider_profile_of(request.user)
    return render(
        request,
        "workspace/listings.html",
        {
            "listings": list(listings_of_user(request.user)),
            "action_error": error,
            "section": "listings",
            "can_publish": profile is not None and may_publish(profile),
        },
        status=status,
    )


@helper_page
def listing_list(request, profile):
    return _listings_page(request)


def _form_page(request, profile, listing=None):
    form = ListingForm(
        request.POST if request.method == "POST" else None,
        categories=category_list(),
        initial=listing_initial(listing)
        if listing
        else {"price_unit": "hour", "radius_km": profile.service_radius_km},
    )
    status = 200
    if request.method == "POST":
        status = submit(
            form, lambda data: listing_save(provider=profile, form=form, listing=listing)
        )
        if status == 200:
            messages.success(request, _("Your service is saved."))
            return redirect("workspace:listings")
    return _render_form(request, profile, form, listing, status=status)


def _render_form(request, profile, form, listing, *, photos_form=None, status=200):
    photos = list(listing.photos.all()) if listing else []
    return render(
        request,
        "workspace/listing_form.html",
        {
            "form": form,
            "listing": listing,
            "photos": photos,
            "photos_form": photos_form or ListingPhotosForm(),
            "max_photos": MAX_PHOTOS,
            "preview": listing_preview(form, profile, photos),
            "currency": marketplace_settings().currency,
            "section": "listings",
        },
        status=status,
    )


def edit_page(request, profile, listing, *, photos_form, status):
    """The edit page as saved, with the photo form's errors (a failed upload)."""
    form = ListingForm(categories=category_list(), initial=listing_initial(listing))
    return _render_form(request, profile, form, listing, photos_form=photos_form, status=status)


@helper_page
def listing_new(request, profile):
    return _form_page(request, profile)


@helper_page
def listing_edit(request, profile, pk):
    return _form_page(request, profile, listing_get_owned(listing_id=pk, user=request.user))


def _status_error(error: ApplicationError) -> str:
    if error.code == catalog_errors.VETTING_REQUIRED:
        return _("Your service can go online once your vetting is approved.")
    if error.code == catalog_errors.ILLEGAL_STATUS_CHANGE:
        return _("This service cannot change to that status now.")
    return error.message


@login_required
@require_POST
def listing_status(request, pk):
    listing = listing_get_owned(listing_id=pk, user=request.user)
    action = ACTIONS.get(request.POST.get("action", ""))
    if action is None:
        return _listings_page(request, error=_("Choose publish or pause."), status=400)
    target, done = action
    try:
        listings.listing_set_status(listing=listing, status=target)
    except ApplicationError as error:
        return _listings_page(request, error=_status_error(error), status=error.status)
    messages.success(request, done)
    return redirect(RETURN_TO.get(request.POST.get("return_to", ""), "workspace:listings"))


@login_required
@require_POST
def listing_delete(request, pk):
    listing = listing_get_owned(listing_id=pk, user=request.user)
    listings.listing_delete(listing=listing)
    messages.success(request, _("The service “%(title)s” is deleted.") % {"title": listing.title})
    return redirect("workspace:listings")
