"""Listings: priced services a provider offers, their photos, status and moderation."""

import uuid

from django.db import connection, transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from quartier.catalog import errors
from quartier.catalog.events import ListingChanged
from quartier.catalog.models import Category, Listing, ListingPhoto
from quartier.catalog.services.locations import location_fields
from quartier.marketplace import eligibility
from quartier.marketplace.selectors import marketplace_settings
from quartier.platform.errors import ApplicationError, Conflict
from quartier.platform.events import publish
from quartier.platform.money import MAX_AMOUNT_MINOR, Money
from quartier.platform.uploads import image_clean
from quartier.providers.models import ProviderProfile

MAX_PHOTOS = 8
# PostgreSQL text-search configuration for each listing language.
SEARCH_CONFIGS = {"de": "german", "fr": "french", "it": "italian", "en": "english"}

_EDITABLE = {
    "category",
    "title",
    "description",
    "language",
    "price",
    "price_unit",
    "duration_minutes",
    "is_remote",
    "postal_code",
    "radius_km",
}


def _check_price(price: Money) -> None:
    if price.amount_minor <= 0 or price.amount_minor > MAX_AMOUNT_MINOR:
        raise ApplicationError.invalid_field(
            "price",
            _("Give a price above zero and below CHF 10 million."),
            code=errors.INVALID_PRICE,
        )


def _check_category(category: Category) -> None:
    if not category.is_active:
        raise ApplicationError.invalid_field(
            "category", _("This category is not active."), code=errors.INVALID_CATEGORY
        )


def _apply(listing: Listing, changes: dict) -> None:
    unknown = set(changes) - _EDITABLE
    if unknown:
        raise ApplicationError.invalid_field(sorted(unknown)[0], _("Not a listing field."))
    for field, value in changes.items():
        if field == "price":
            _check_price(value)
            listing.price_amount_minor, listing.price_currency = value.amount_minor, value.currency
        elif field == "category":
            _check_category(value)
            listing.category = value
        elif field == "title":
            if not value.strip():
                raise ApplicationError.invalid_field("title", _("A title is required."))
            listing.title = value.strip()
        else:
            setattr(listing, field, value)
    _locate(listing)


def _locate(listing: Listing) -> None:
    if listing.is_remote:
        listing.latitude = listing.longitude = listing.location = None
        return
    if not listing.postal_code:
        raise ApplicationError.invalid_field(
            "postal_code", _("Give the postal code where you work, or mark the service remote.")
        )
    for name, value in location_fields(listing.postal_code).items():
        setattr(listing, name, value)


def listing_search_vector_refresh(*, listing_ids: list[int] | None = None) -> None:
    """Recompute the full-text vector in each listing's language (title > category >
    provider skills > description)."""
    sql = _SEARCH_VECTOR_SQL
    params = []
    if listing_ids is not None:
        sql += " AND l.id = ANY(%s)"
        params.append(list(listing_ids))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


_CONFIG = "(CASE l.language {} ELSE 'simple'::regconfig END)".format(
    " ".join(f"WHEN '{code}' THEN '{config}'::regconfig" for code, config in SEARCH_CONFIGS.items())
)
# Built from constants only (the language -> configuration table above).
_SEARCH_VECTOR_SQL = (  # noqa: S608, UP032
    "UPDATE catalog_listing AS l SET search_vector = "
    "setweight(to_tsvector({c}, l.title), 'A') || "
    "setweight(to_tsvector({c}, coalesce(c.names ->> l.language, '')), 'B') || "
    "setweight(to_tsvector({c}, coalesce(p.company_name, '') || ' ' || "
    "array_to_string(p.skills, ' ')), 'C') || "
    "setweight(to_tsvector({c}, l.description), 'D') "
    "FROM catalog_category c, catalog_providerprofile p "
    "WHERE c.id = l.category_id AND p.id = l.provider_id"
).format(c=_CONFIG)


@transaction.atomic
def listing_create(
    *, provider: ProviderProfile, category: Category, title: str, price: Money, **fields
) -> Listing:
    """A new listing, always a draft until the provider publishes it."""
    if provider.is_suspended:
        raise ApplicationError("provider_suspended", _("Your profile is suspended."), status=403)
    listing = Listing(provider=provider, status=Listing.Status.DRAFT)
    fields.setdefault("postal_code", provider.home_postal_code)
    fields.setdefault("radius_km", provider.service_radius_km)
    _apply(listing, {"category": category, "title": title, "price": price, **fields})
    listing.save()
    listing_search_vector_refresh(listing_ids=[listing.pk])
    _changed(listing)
    return listing


@transaction.atomic
def listing_update(*, listing: Listing, **changes) -> Listing:
    _apply(listing, changes)
    listing.save()
    listing_search_vector_refresh(listing_ids=[listing.pk])
    _changed(listing)
    return listing


def _changed(listing: Listing) -> None:
    """Let other apps refresh what they derive from a listing (trust: its badges)."""
    publish(ListingChanged(listing_id=listing.pk, provider_id=listing.provider_id))


# Which statuses the owner may move a listing from, to each target.
_OWNER_TRANSITIONS = {
    Listing.Status.PUBLISHED: {Listing.Status.DRAFT, Listing.Status.PAUSED},
    Listing.Status.PAUSED: {Listing.Status.PUBLISHED},
    Listing.Status.DRAFT: {Listing.Status.PAUSED, Listing.Status.PUBLISHED},
}


@transaction.atomic
def listing_set_status(*, listing: Listing, status: str) -> Listing:
    """Publish, pause or unpublish, as the owner; moderators use listing_hide."""
    listing = Listing.objects.select_for_update().select_related("provider").get(pk=listing.pk)
    if listing.status not in _OWNER_TRANSITIONS.get(status, set()):
        raise Conflict(
            errors.ILLEGAL_STATUS_CHANGE,
            _("A %(status)s listing cannot become %(status2)s.")
            % {"status": listing.status, "status2": status},
            extra={"status": listing.status},
        )
    if status == Listing.Status.PUBLISHED:
        _check_may_publish(listing.provider)
        listing.published_at = listing.published_at or timezone.now()
    listing.status = status
    listing.save(update_fields=["status", "published_at", "updated_at"])
    return listing


def _check_may_publish(provider: ProviderProfile) -> None:
    if provider.is_suspended:
        raise ApplicationError("provider_suspended", _("Your profile is suspended."), status=403)
    eligibility.enforce(lambda: provider.user, eligibility.OFFER)
    if marketplace_settings().vetting_required and not provider.is_vetted:
        raise ApplicationError(
            errors.VETTING_REQUIRED, _("Complete vetting before you publish listings."), status=403
        )


@transaction.atomic
def listing_hide(*, listing: Listing, reason: str) -> Listing:
    """A moderator hides a listing; the owner sees why."""
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError.invalid_field("reason", _("Say why the listing is hidden."))
    listing = Listing.objects.select_for_update().get(pk=listing.pk)
    if listing.status != Listing.Status.HIDDEN:
        listing.status_before_hidden = listing.status
    listing.status, listing.hidden_reason = Listing.Status.HIDDEN, reason[:500]
    listing.save(update_fields=["status", "status_before_hidden", "hidden_reason", "updated_at"])
    return listing


def _status_after_hidden(listing: Listing) -> str:
    """The status the listing had before it was hidden; a published one comes back paused
    only when its owner could no longer publish it (suspended, or no longer vetted)."""
    previous = listing.status_before_hidden or Listing.Status.PAUSED
    if previous == Listing.Status.PUBLISHED:
        try:
            _check_may_publish(listing.provider)
        except ApplicationError:
            return Listing.Status.PAUSED
    return previous


@transaction.atomic
def listing_unhide(*, listing: Listing) -> Listing:
    """Show a hidden listing again, as it was before a moderator hid it."""
    listing = Listing.objects.select_for_update().select_related("provider").get(pk=listing.pk)
    if listing.status != Listing.Status.HIDDEN:
        raise Conflict(
            errors.ILLEGAL_STATUS_CHANGE,
            _("This listing is not hidden."),
            extra={"status": listing.status},
        )
    listing.status, listing.hidden_reason = _status_after_hidden(listing), ""
    listing.status_before_hidden = ""
    fields = ["status", "status_before_hidden", "hidden_reason", "updated_at"]
    if listing.status == Listing.Status.PUBLISHED and listing.published_at is None:
        listing.published_at = timezone.now()
        fields.append("published_at")
    listing.save(update_fields=fields)
    return listing


@transaction.atomic
def listing_delete(*, listing: Listing) -> None:
    names = [photo.image.name for photo in listing.photos.all()]
    try:
        listing.delete()
    except ProtectedError as error:
        # Bookings keep their listing: its terms are part of what was agreed.
        raise Conflict(
            errors.LISTING_IN_USE,
            _("This listing has bookings; pause it instead of deleting it."),
        ) from error
    transaction.on_commit(lambda: _delete_files(names))


def _delete_files(names: list[str]) -> None:
    from django.core.files.storage import default_storage

    for name in names:
        default_storage.delete(name)


def _photo_limit_error(field: str) -> ApplicationError:
    return ApplicationError.invalid_field(
        field,
        _("At most %(max_photos)s photos.") % {"max_photos": MAX_PHOTOS},
        code=errors.TOO_MANY_PHOTOS,
    )


def _upload_name(upload) -> str:
    """The file's name as the helper chose it, printable and short, for error messages."""
    name = "".join(ch for ch in str(getattr(upload, "name", "") or "") if ch.isprintable())
    return name[:60]


@transaction.atomic
def listing_photo_add(*, listing: Listing, upload) -> ListingPhoto:
    return listing_photos_add(listing=listing, uploads=[upload], field="image")[0]


@transaction.atomic
def listing_photos_add(*, listing: Listing, uploads: list, field: str = "photos") -> list:
    """Add photos after the listing's last one. Every file is sniffed and re-encoded
    first: one bad file refuses them all, so a half-added set never shows."""
    listing = Listing.objects.select_for_update().get(pk=listing.pk)
    count = listing.photos.count()
    if not uploads:
        raise ApplicationError.invalid_field(field, _("Choose one or more photos."))
    if count + len(uploads) > MAX_PHOTOS:
        raise _photo_limit_error(field)
    cleaned = []
    for upload in uploads:
        try:
            cleaned.append(image_clean(upload, field=field))
        except ApplicationError as error:
            if len(uploads) == 1:
                raise
            raise ApplicationError.invalid_field(
                field, f"{_upload_name(upload)}: {error.message}", code=error.code
            ) from error
    photos = []
    for position, clean in enumerate(cleaned, start=count):
        photo = ListingPhoto(listing=listing, position=position)
        # upload_to adds the "listings/" folder; the name is only the file's own.
        name = f"{listing.pk}-{uuid.uuid4().hex[:12]}.{clean.extension}"
        photo.image.save(name, clean.content, save=False)
        photo.save()
        photos.append(photo)
    return photos


def _renumber(photos: list[ListingPhoto]) -> None:
    for position, photo in enumerate(photos):
        photo.position = position
    ListingPhoto.objects.bulk_update(photos, ["position"])


@transaction.atomic
def listing_photo_move(*, photo: ListingPhoto, offset: int) -> ListingPhoto:
    """Move a photo one place up (-1) or down (+1); the first photo is the cover."""
    Listing.objects.select_for_update().filter(pk=photo.listing_id).first()
    photos = list(ListingPhoto.objects.filter(listing_id=photo.listing_id))
    index = next(i for i, found in enumerate(photos) if found.pk == photo.pk)
    target = index + offset
    if offset not in (-1, 1) or not 0 <= target < len(photos):
        raise ApplicationError.invalid_field(
            "direction", _("This photo cannot move further that way.")
        )
    photos[index], photos[target] = photos[target], photos[index]
    _renumber(photos)
    return photos[target]


@transaction.atomic
def listing_photos_reorder(*, listing: Listing, photo_ids: list[int]) -> None:
    """Put the listing's photos in the given order (all of them, each once)."""
    Listing.objects.select_for_update().filter(pk=listing.pk).first()
    photos = {photo.pk: photo for photo in ListingPhoto.objects.filter(listing_id=listing.pk)}
    if sorted(photo_ids) != sorted(photos):
        raise ApplicationError.invalid_field(
            "order", _("The photos changed meanwhile: reload the page and try again.")
        )
    _renumber([photos[photo_id] for photo_id in photo_ids])


@transaction.atomic
def listing_photo_remove(*, photo: ListingPhoto) -> None:
    Listing.objects.select_for_update().filter(pk=photo.listing_id).first()
    name = photo.image.name
    listing_id = photo.listing_id
    photo.delete()
    _renumber(list(ListingPhoto.objects.filter(listing_id=listing_id)))
    transaction.on_commit(lambda: _delete_files([name]))
