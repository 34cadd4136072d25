"""Who offers what, at what price, where — and who needs help with what.

Locations are stored twice: latitude/longitude for display, and `location`, a PostgreSQL
`point` in kilometres on a local equirectangular projection of Switzerland
(quartier.geo.projection), so that the core `<->` operator and GiST indexes answer
"within R km" and "nearest first" without any extension.
"""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, GistIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _

from quartier.geo.fields import PointField
from quartier.platform.languages import Language
from quartier.platform.money import Currency, Money
from quartier.platform.tenant_cache import invalidate, tenant_key
from quartier.providers.models import ProviderProfile

# Cached read of the whole category tree (catalog/selectors/catalog.py), per tenant.
CATEGORIES_KEY = "catalog:categories"


def categories_cache_invalidate() -> None:
    invalidate(tenant_key(CATEGORIES_KEY))


class CategoryQuerySet(models.QuerySet):
    """Bulk writes send no signals: each drops the tenant's cached tree itself."""

    def update(self, **kwargs):
        updated = super().update(**kwargs)
        categories_cache_invalidate()
        return updated

    def bulk_create(self, *args, **kwargs):
        created = super().bulk_create(*args, **kwargs)
        categories_cache_invalidate()
        return created

    def delete(self):
        deleted = super().delete()
        categories_cache_invalidate()
        return deleted


class Category(models.Model):
    """A node of the tenant's small category tree (Internet & WLAN > Router setup)."""

    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    slug = models.SlugField(max_length=60, unique=True)
    # {"de": "...", "fr": "...", "it": "...", "en": "..."}
    names = models.JSONField(default=dict)
    position = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    objects = CategoryQuerySet.as_manager()

    class Meta:
        ordering = ["position", "slug"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name_in()

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        categories_cache_invalidate()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        categories_cache_invalidate()
        return result

    def name_in(self, language: str | None = None) -> str:
        """The name in `language` (default: the active one), falling back to the
        marketplace's default language."""
        from quartier.marketplace.selectors import localized

        return localized(self.names, language) or self.slug


class ListingQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Listing.Status.PUBLISHED, provider__is_suspended=False)


class Listing(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        PAUSED = "paused", _("Paused")
        HIDDEN = "hidden", _("Hidden by a moderator")

    class PriceUnit(models.TextChoices):
        FIXED = "fixed", _("Fixed price")
        HOUR = "hour", _("Per hour")
        VISIT = "visit", _("Per visit")

    provider = models.ForeignKey(ProviderProfile, on_delete=models.CASCADE, related_name="listings")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="listings")
    title = models.CharField(max_length=120)
    description = models.TextField(max_length=5000, blank=True)
    language = models.CharField(max_length=2, choices=Language.choices, default=Language.GERMAN)
    price_amount_minor = models.BigIntegerField()
    price_currency = models.CharField(max_length=3, choices=Currency.choices, default=Currency.CHF)
    price_unit = models.CharField(max_length=8, choices=PriceUnit.choices, default=PriceUnit.HOUR)
    duration_minutes = models.PositiveIntegerField(null=True, blank=True)
    is_remote = models.BooleanField(default=False)
    postal_code = models.CharField(max_length=4, blank=True)
    radius_km = models.PositiveSmallIntegerField(default=10)
    latitude = models.FloatField(null=True)
    longitude = models.FloatField(null=True)
    location = PointField(null=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    hidden_reason = models.CharField(max_length=500, blank=True)
    # What the listing was when a moderator hid it: unhiding puts it back as it was.
    status_before_hidden = models.CharField(max_length=16, choices=Status.choices, blank=True)
    # The provider's badges that apply to this listing (category-scoped ones only here
    # when the category matches); kept in sync by the trust app, filtered on by search.
    badge_slugs = ArrayField(models.SlugField(max_length=60), default=list, blank=True)
    search_vector = SearchVectorField(null=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)

    objects = ListingQuerySet.as_manager()

    class Meta:
        indexes = [
            # The search's index paths, all limited to what search can return.
            # fastupdate off: listings change rarely, searches are constant; a pending
            # list would make every search pay for recent writes.
            GinIndex(
                fields=["search_vector"],
                name="listing_search_vector",
                fastupdate=False,
                condition=models.Q(status="published"),
            ),
            # Each listing's service area as a circle: "who serves this point?" is one
            # containment test on this index (circle @> circle(point, 0)).
            GistIndex(
                models.Func(
                    "location",
                    Cast("radius_km", models.FloatField()),
                    function="circle",
                    output_field=models.Field(),
                ),
                name="listing_service_area",
                condition=models.Q(status="published"),
            ),
            models.Index(
                fields=["price_amount_minor", "id"],
                name="listing_price",
                condition=models.Q(status="published"),
            ),
            models.Index(
                fields=["category", "id"],
                name="listing_category",
                condition=models.Q(status="published"),
            ),
            models.Index(
                fields=["published_at"],
                name="listing_newest",
                condition=models.Q(status="published"),
            ),
            models.Index(
                fields=["id"],
                name="listing_remote",
                condition=models.Q(status="published", is_remote=True),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(price_amount_minor__gte=0), name="listing_price_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(radius_km__gte=1, radius_km__lte=200),
                name="listing_radius_range",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def price(self) -> Money:
        return Money(self.price_amount_minor, self.price_currency)


class ListingPhoto(models.Model):
    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(upload_to="listings/")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.image.name


class TaskRequest(models.Model):
    """A customer's "who can help me with...?", answered by providers' offers."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ASSIGNED = "assigned", _("Assigned")
        CLOSED = "closed", _("Closed")
        CANCELLED = "cancelled", _("Cancelled")

    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="task_requests"
    )
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="task_requests")
    title = models.CharField(max_length=120)
    description = models.TextField(max_length=5000, blank=True)
    postal_code = models.CharField(max_length=4)
    latitude = models.FloatField(null=True)
    longitude = models.FloatField(null=True)
    location = PointField(null=True)
    budget_amount_minor = models.BigIntegerField(null=True, blank=True)
    budget_currency = models.CharField(max_length=3, choices=Currency.choices, default=Currency.CHF)
    # [{"start": iso datetime, "end": iso datetime}, ...] — up to three windows.
    preferred_windows = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            GistIndex(fields=["location"], name="task_location", condition=models.Q(status="open")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(budget_amount_minor__isnull=True)
                | models.Q(budget_amount_minor__gte=0),
                name="task_budget_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def budget(self) -> Money | None:
        if self.budget_amount_minor is None:
            return None
        return Money(self.budget_amount_minor, self.budget_currency)


class Offer(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    task = models.ForeignKey(TaskRequest, on_delete=models.CASCADE, related_name="offers")
    provider = models.ForeignKey(ProviderProfile, on_delete=models.CASCADE, related_name="offers")
    price_amount_minor = models.BigIntegerField()
    price_currency = models.CharField(max_length=3, choices=Currency.choices, default=Currency.CHF)
    message = models.TextField(max_length=2000, blank=True)
    proposed_start = models.DateTimeField(null=True, blank=True)
    proposed_minutes = models.PositiveIntegerField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    # The seam to bookings: set when the accepted offer became a booking.
    booking_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["task", "provider"], name="one_offer_per_provider"),
            models.CheckConstraint(
                condition=models.Q(price_amount_minor__gte=0), name="offer_price_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider} -> {self.task}"

    @property
    def price(self) -> Money:
        return Money(self.price_amount_minor, self.price_currency)
