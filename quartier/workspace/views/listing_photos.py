"""A listing's photos on its edit page: add several at once, move, delete. The first
photo is the cover of the card customers see. Plain forms; no JavaScript needed."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from quartier.catalog.selectors.catalog import listing_get_owned, listing_photo_get_owned
from quartier.catalog.services import listings
from quartier.platform.errors import ApplicationError
from quartier.workspace.forms import ListingPhotosForm, PhotoMoveForm
from quartier.workspace.views.common import helper_page, submit


def _photos_anchor(listing) -> str:
    return reverse("workspace:listing-edit", args=[listing.pk]) + "#photos"


@require_POST
@helper_page
def photos_add(request, profile, pk):
    from quartier.workspace.views.listings import edit_page

    listing = listing_get_owned(listing_id=pk, user=request.user)
    form = ListingPhotosForm(request.POST, request.FILES)
    status = submit(
        form, lambda data: listings.listing_photos_add(listing=listing, uploads=data["photos"])
    )
    if status != 200:
        return edit_page(request, profile, listing, photos_form=form, status=status)
    count = len(form.cleaned_data["photos"])
    messages.success(
        request,
        ngettext("%(count)s photo added.", "%(count)s photos added.", count) % {"count": count},
    )
    return redirect(_photos_anchor(listing))


@require_POST
@helper_page
def photo_move(request, profile, pk, photo_id):
    listing = listing_get_owned(listing_id=pk, user=request.user)
    photo = listing_photo_get_owned(listing=listing, photo_id=photo_id)
    form = PhotoMoveForm(request.POST)
    try:
        if not form.is_valid():
            raise ApplicationError.invalid_field("direction", _("Choose where to move the photo."))
        moved = listings.listing_photo_move(photo=photo, offset=form.offset())
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("This photo is now the cover.")
            if moved.position == 0
            else _("Photo moved to place %(place)s.") % {"place": moved.position + 1},
        )
    return redirect(_photos_anchor(listing))


@require_POST
@helper_page
def photo_delete(request, profile, pk, photo_id):
    listing = listing_get_owned(listing_id=pk, user=request.user)
    listings.listing_photo_remove(photo=listing_photo_get_owned(listing=listing, photo_id=photo_id))
    messages.success(request, _("The photo is deleted."))
    return redirect(_photos_anchor(listing))


def _ids(raw: str) -> list[int] | None:
    parts = [part.strip() for part in (raw or "").split(",")]
    if not parts or len(parts) > 50 or not all(part.isascii() and part.isdigit() for part in parts):
        return None
    return [int(part) for part in parts]


@require_POST
@helper_page
def photos_order(request, profile, pk):
    """The order a helper dragged the photos into (the page's script sends it)."""
    listing = listing_get_owned(listing_id=pk, user=request.user)
    photo_ids = _ids(request.POST.get("order", ""))
    try:
        if photo_ids is None:
            raise ApplicationError.invalid_field(
                "order", _("The photos changed meanwhile: reload the page and try again.")
            )
        listings.listing_photos_reorder(listing=listing, photo_ids=photo_ids)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The photos are in their new order."))
    return redirect(_photos_anchor(listing))
