"""Reads on categories, listings, tasks and offers — fetched and authorised
together, so views never call a bare .objects.get()."""

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Count, OuterRef, Prefetch, QuerySet
from django.db.models.functions import JSONObject
from django.utils.translation import gettext as _

from quartier.accounts.models import User
from quartier.catalog.models import (
    CATEGORIES_KEY,
    Category,
    Listing,
    ListingPhoto,
    Offer,
    TaskRequest,
)
from quartier.platform.errors import ApplicationError, NotFound
from quartier.platform.params import integer_or_none
from quartier.platform.tenant_cache import cached, tenant_key
from quartier.providers.models import ProviderProfile
from quartier.providers.selectors import provider_profile_of, provider_seen_by_owner_or_admin


def category_list(*, include_inactive: bool = False) -> QuerySet[Category]:
    categories = Category.objects.order_by("parent_id", "position", "slug")
    return categories if include_inactive else categories.filter(is_active=True)


CATEGORIES_CACHE_SECONDS = 24 * 60 * 60


def categories_all() -> tuple[Category, ...]:
    """Every category of the tenant (active or not), ordered as category_list(); from the
    cache when warm: search, its facets and its page read the tree on every request."""
    return cached(tenant_key(CATEGORIES_KEY), _categories, CATEGORIES_CACHE_SECONDS)


def _categories() -> tuple[Category, ...]:
    return tuple(Category.objects.order_by("parent_id", "position", "slug"))


def categories_by_id() -> dict[int, Category]:
    """Every category of the tenant by id (built from categories_all(), so it is as
    fresh as that is)."""
    return {category.pk: category for category in categories_all()}


def categories_active() -> list[Category]:
    return [category for category in categories_all() if category.is_active]


def category_parents() -> dict[int, int]:
    """Sub-category id -> its parent's id."""
    return {c.pk: c.parent_id for c in categories_all() if c.parent_id is not None}


def category_get(*, category_id: int) -> Category:
    category = Category.objects.filter(pk=category_id).first()
    if category is None:
        raise NotFound(_("No such category."))
    return category


def category_ids_with_children(value: str) -> tuple[int, ...]:
    """A category given by id or slug, with its sub-categories (400 when unknown)."""
    category_id = integer_or_none(value)
    active = categories_active()
    if category_id is not None:
        category = next((c for c in active if c.pk == category_id), None)
    else:
        category = next((c for c in active if c.slug == str(value)), None)
    if category is None:
        raise ApplicationError.invalid_field("category", _("Unknown category."))
    return (category.pk, *(c.pk for c in active if c.parent_id == category.pk))


def _listings() -> QuerySet[Listing]:
    return Listing.objects.select_related("provider", "category").prefetch_related(
        Prefetch("photos", queryset=ListingPhoto.objects.order_by("position", "id"))
    )


def listing_get_visible(*, listing_id: int, viewer: User | None) -> Listing:
    """Published listings for everyone; drafts, paused and hidden ones for the owner and
    for tenant admins. Anything else is a 404, never a 403 (no existence leak)."""
    listing = _listings().filter(pk=listing_id).first()
    if listing is None:
        raise NotFound(_("No such listing."))
    visible = listing.status == Listing.Status.PUBLISHED and not listing.provider.is_suspended
    if not visible and not provider_seen_by_owner_or_admin(listing.provider, viewer):
        raise NotFound(_("No such listing."))
    return listing


# The columns of a listing's public answer, and of its provider's summary.
LISTING_ROW_FIELDS = (
    "id",
    "title",
    "description",
    "language",
    "category_id",
    "price_amount_minor",
    "price_currency",
    "price_unit",
    "duration_minutes",
    "is_remote",
    "postal_code",
    "radius_km",
    "status",
    "hidden_reason",
    "created_at",
    "published_at",
    "provider_id",
)
PROVIDER_ROW_FIELDS = (
    "user_id",
    "is_suspended",
    "display_name",
    "kind",
    "is_vetted",
    "badge_slugs",
    "rating_count",
    "rating_sum",
    "completed_jobs",
)


def listing_row_visible(*, listing_id: int, viewer: User | None) -> dict:
    """listing_get_visible() as one row of plain values, for the hot read (the listing
    API): one statement — provider columns joined, photos as an array — and no model
    instances. Keys: LISTING_ROW_FIELDS, "provider__<field>" for PROVIDER_ROW_FIELDS,
    and "photo_list" ([{"id", "image"}] in display order)."""
    row = (
        Listing.objects.filter(pk=listing_id)
        .values(
            *LISTING_ROW_FIELDS,
            *(f"provider__{field}" for field in PROVIDER_ROW_FIELDS),
            photo_list=ArraySubquery(_photo_rows()),
        )
        .first()
    )
    if row is None:
        raise NotFound(_("No such listing."))
    visible = row["status"] == Listing.Status.PUBLISHED and not row["provider__is_suspended"]
    if not visible and not _owner_or_admin(row["provider__user_id"], viewer):
        raise NotFound(_("No such listing."))
    return row


def listing_page_get(*, listing_id: int, viewer: User | None) -> tuple[Listing, list[dict]]:
    """listing_get_visible() for the listing page, its photos ({"id", "url"}, in display
    order) read in the same statement instead of a second one."""
    listing = (
        Listing.objects.select_related("provider", "category")
        .annotate(photo_list=ArraySubquery(_photo_rows()))
        .filter(pk=listing_id)
        .first()
    )
    if listing is None:
        raise NotFound(_("No such listing."))
    visible = listing.status == Listing.Status.PUBLISHED and not listing.provider.is_suspended
    if not visible and not provider_seen_by_owner_or_admin(listing.provider, viewer):
        raise NotFound(_("No such listing."))
    storage = ListingPhoto._meta.get_field("image").storage
    photos = [{"id": row["id"], "url": storage.url(row["image"])} for row in listing.photo_list]
    return listing, photos


def _photo_rows():
    return (
        ListingPhoto.objects.filter(listing_id=OuterRef("pk"))
        .order_by("position", "id")
        .values(photo=JSONObject(id="id", image="image"))
    )


def _owner_or_admin(provider_user_id: int, viewer: User | None) -> bool:
    if viewer is None or not viewer.is_authenticated:
        return False
    return viewer.pk == provider_user_id or viewer.is_tenant_admin


def listing_get_owned(*, listing_id: int, user: User) -> Listing:
    listing = _listings().filter(pk=listing_id, provider__user=user).first()
    if listing is None:
        raise NotFound(_("No such listing."))
    return listing


def listing_get_for_moderation(*, listing_id: int) -> Listing:
    listing = _listings().filter(pk=listing_id).first()
    if listing is None:
        raise NotFound(_("No such listing."))
    return listing


def listings_of_user(user: User) -> QuerySet[Listing]:
    return _listings().filter(provider__user=user).order_by("-id")


def listings_of_provider(profile: ProviderProfile) -> QuerySet[Listing]:
    return _listings().published().filter(provider=profile).order_by("-published_at", "-id")


def listing_photo_get_owned(*, listing: Listing, photo_id: int) -> ListingPhoto:
    photo = listing.photos.filter(pk=photo_id).first()
    if photo is None:
        raise NotFound(_("No such photo."))
    return photo


def _tasks() -> QuerySet[TaskRequest]:
    return TaskRequest.objects.select_related("category", "customer")


def task_get_visible(*, task_id: int, user: User) -> TaskRequest:
    """The customer's own tasks; open tasks for providers; any task for tenant admins."""
    task = _tasks().filter(pk=task_id).first()
    if task is None:
        raise NotFound(_("No such task."))
    is_provider = provider_profile_of(user) is not None
    if not (
        task.customer_id == user.pk
        or user.is_tenant_admin
        or (is_provider and task.status == TaskRequest.Status.OPEN)
    ):
        raise NotFound(_("No such task."))
    return task


def tasks_of_customer(user: User) -> QuerySet[TaskRequest]:
    return _tasks().filter(customer=user).order_by("-id")


def offers_for_task(*, task: TaskRequest, user: User) -> QuerySet[Offer]:
    """The customer sees every offer on their task; a provider only their own."""
    offers = Offer.objects.filter(task=task).select_related("provider").order_by("id")
    if task.customer_id == user.pk or user.is_tenant_admin:
        return offers
    return offers.filter(provider__user=user)


def offer_get_for_user(*, offer_id: int, user: User) -> Offer:
    offer = Offer.objects.select_related("task", "provider").filter(pk=offer_id).first()
    if offer is None or user.pk not in (offer.task.customer_id, offer.provider.user_id):
        raise NotFound(_("No such offer."))
    return offer


def offers_of_provider(profile: ProviderProfile) -> QuerySet[Offer]:
    return Offer.objects.filter(provider=profile).select_related("task", "provider").order_by("-id")


def tasks_by_ids(task_ids: list[int]) -> dict[int, TaskRequest]:
    tasks = _tasks().filter(pk__in=task_ids).annotate(offer_total=Count("offers"))
    return {task.pk: task for task in tasks}
