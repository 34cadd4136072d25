from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from rest_framework import serializers

from quartier.catalog.models import Category, Listing, ListingPhoto, Offer, TaskRequest
from quartier.catalog.selectors.catalog import categories_by_id
from quartier.catalog.selectors.ratings import provider_rating, rating_of
from quartier.catalog.selectors.search import MAX_QUERY_LENGTH, SORTS
from quartier.marketplace.selectors import localized
from quartier.platform.api.fields import MoneyField
from quartier.platform.api.query import (
    DecimalField,
    FloatField,
    IntegerField,
    PrimaryKeyRelatedField,
)
from quartier.platform.api.serializers import (
    PrebuiltFieldsMixin,
    ReasonSerializer,  # noqa: F401  (re-export)
)
from quartier.platform.languages import Language
from quartier.platform.money import Money
from quartier.providers.models import ProviderProfile, SocialLink

# [0-9], not \d: \d also matches "١٢٣٤" and other non-ASCII digits.
POSTAL_CODE = r"^[0-9]{4}$"


def _language() -> str:
    return (get_language() or "de")[:2]


class CategorySerializer(PrebuiltFieldsMixin, serializers.ModelSerializer):
    name = serializers.SerializerMethodField()

    class Meta:
        model = Category
        fields = ["id", "slug", "name", "names", "parent", "position", "is_active"]

    def get_name(self, category) -> str:
        return category.name_in(_language())


class CategoryWriteSerializer(serializers.Serializer):
    slug = serializers.SlugField(max_length=60)
    names = serializers.DictField(child=serializers.CharField(max_length=80), allow_empty=False)
    parent = PrimaryKeyRelatedField(
        queryset=Category.objects.all(), allow_null=True, required=False
    )
    position = serializers.IntegerField(min_value=0, max_value=10_000, required=False)
    is_active = serializers.BooleanField(required=False)


class RatingSerializer(serializers.Serializer):
    """The rating people see (catalog.selectors.ratings): score is None while "New"."""

    score = serializers.SerializerMethodField()
    count = serializers.IntegerField(source="rating_count")
    is_new = serializers.SerializerMethodField()

    def get_score(self, profile) -> float | None:
        return provider_rating(profile).as_dict()["score"]

    def get_is_new(self, profile) -> bool:
        return provider_rating(profile).is_new


class ProviderSummarySerializer(PrebuiltFieldsMixin, serializers.ModelSerializer):
    badges = serializers.ListField(source="badge_slugs", child=serializers.CharField())
    rating = RatingSerializer(source="*")

    class Meta:
        model = ProviderProfile
        fields = ["id", "display_name", "kind", "is_vetted", "badges", "rating", "completed_jobs"]


class SocialLinkSerializer(serializers.ModelSerializer):
    class Meta:
        model = SocialLink
        fields = ["network", "url"]


class ProviderProfileSerializer(ProviderSummarySerializer):
    social_links = SocialLinkSerializer(many=True)
    photo_url = serializers.SerializerMethodField()
    member_since = serializers.DateTimeField(source="created_at")

    class Meta(ProviderSummarySerializer.Meta):
        fields = [
            *ProviderSummarySerializer.Meta.fields,
            "bio",
            "skills",
            "languages",
            "company_name",
            "home_postal_code",
            "service_radius_km",
            "social_links",
            "photo_url",
            "member_since",
            "is_suspended",
        ]

    def get_photo_url(self, profile) -> str | None:
        return profile.photo.url if profile.photo else None


class ProviderProfileWriteSerializer(serializers.Serializer):
    display_name = serializers.CharField(max_length=80)
    home_postal_code = serializers.RegexField(POSTAL_CODE)
    bio = serializers.CharField(max_length=4000, allow_blank=True, required=False)
    skills = serializers.ListField(
        child=serializers.CharField(max_length=60), max_length=20, required=False
    )
    languages = serializers.ListField(
        child=serializers.ChoiceField(Language.choices), max_length=4, required=False
    )
    kind = serializers.ChoiceField(ProviderProfile.Kind.choices, required=False)
    company_name = serializers.CharField(max_length=120, allow_blank=True, required=False)
    service_radius_km = serializers.IntegerField(min_value=1, max_value=200, required=False)
    social_links = serializers.ListField(
        child=serializers.DictField(), max_length=6, required=False
    )


class PhotoUploadSerializer(serializers.Serializer):
    image = serializers.FileField()


class ListingPhotoSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.SerializerMethodField()

    def get_url(self, photo) -> str:
        return photo.image.url


class ListingSerializer(PrebuiltFieldsMixin, serializers.ModelSerializer):
    category = CategorySerializer()
    provider = ProviderSummarySerializer()
    price = serializers.SerializerMethodField()
    photos = ListingPhotoSerializer(many=True)

    class Meta:
        model = Listing
        fields = [
            "id",
            "title",
            "description",
            "language",
            "category",
            "price",
            "price_unit",
            "duration_minutes",
            "is_remote",
            "postal_code",
            "radius_km",
            "status",
            "hidden_reason",
            "photos",
            "provider",
            "created_at",
            "published_at",
        ]

    def get_price(self, listing) -> dict:
        return listing.price.as_dict()

    def to_representation(self, listing):
        data = super().to_representation(listing)
        viewer = self.context.get("viewer")
        owner_or_admin = (
            viewer is not None
            and viewer.is_authenticated
            and (viewer.pk == listing.provider.user_id or viewer.is_tenant_admin)
        )
        if not owner_or_admin:
            data.pop("hidden_reason")
        return data


_DATETIME = serializers.DateTimeField()


def listing_row_representation(row: dict, *, viewer) -> dict:
    """ListingSerializer's answer, built from catalog.selectors.listing_row_visible()'s
    plain row without a serializer instance (the listing API's hot read; a test holds
    the two to the same output)."""
    category = categories_by_id()[row["category_id"]]
    storage = ListingPhoto._meta.get_field("image").storage
    data = {
        "id": row["id"],
        "title": row["title"],
        "description": row["description"],
        "language": row["language"],
        "category": {
            "id": category.pk,
            "slug": category.slug,
            "name": category.name_in(_language()),
            "names": category.names,
            "parent": category.parent_id,
            "position": category.position,
            "is_active": category.is_active,
        },
        "price": Money(row["price_amount_minor"], row["price_currency"]).as_dict(),
        "price_unit": row["price_unit"],
        "duration_minutes": row["duration_minutes"],
        "is_remote": row["is_remote"],
        "postal_code": row["postal_code"],
        "radius_km": row["radius_km"],
        "status": row["status"],
        "hidden_reason": row["hidden_reason"],
        "photos": [
            {"id": photo["id"], "url": storage.url(photo["image"])} for photo in row["photo_list"]
        ],
        "provider": {
            "id": row["provider_id"],
            "display_name": row["provider__display_name"],
            "kind": row["provider__kind"],
            "is_vetted": row["provider__is_vetted"],
            "badges": list(row["provider__badge_slugs"]),
            "rating": rating_of(
                count=row["provider__rating_count"], total=row["provider__rating_sum"]
            ).as_dict(),
            "completed_jobs": row["provider__completed_jobs"],
        },
        "created_at": _DATETIME.to_representation(row["created_at"]),
        "published_at": _DATETIME.to_representation(row["published_at"])
        if row["published_at"]
        else None,
    }
    owner_or_admin = (
        viewer is not None
        and viewer.is_authenticated
        and (viewer.pk == row["provider__user_id"] or viewer.is_tenant_admin)
    )
    if not owner_or_admin:
        data.pop("hidden_reason")
    return data


class ListingWriteSerializer(serializers.Serializer):
    category = PrimaryKeyRelatedField(queryset=Category.objects.all())
    title = serializers.CharField(max_length=120)
    description = serializers.CharField(max_length=5000, allow_blank=True, required=False)
    language = serializers.ChoiceField(Language.choices, required=False)
    price = MoneyField()
    price_unit = serializers.ChoiceField(Listing.PriceUnit.choices, required=False)
    duration_minutes = serializers.IntegerField(
        min_value=15, max_value=24 * 60, required=False, allow_null=True
    )
    is_remote = serializers.BooleanField(required=False)
    postal_code = serializers.RegexField(POSTAL_CODE, required=False, allow_blank=True)
    radius_km = serializers.IntegerField(min_value=1, max_value=200, required=False)


class SearchQuerySerializer(serializers.Serializer):
    q = serializers.CharField(
        max_length=MAX_QUERY_LENGTH, required=False, allow_blank=True, default=""
    )
    postal_code = serializers.RegexField(
        POSTAL_CODE,
        required=False,
        error_messages={"invalid": _lazy("Enter a Swiss postal code of four digits, e.g. 8004.")},
    )
    latitude = FloatField(min_value=45.0, max_value=48.5, required=False)
    longitude = FloatField(min_value=5.0, max_value=11.0, required=False)
    radius_km = IntegerField(min_value=1, max_value=200, required=False, default=25)
    category = serializers.CharField(max_length=60, required=False)
    price_min = IntegerField(min_value=0, max_value=1_000_000_000, required=False)
    price_max = IntegerField(min_value=0, max_value=1_000_000_000, required=False)
    min_rating = DecimalField(
        min_value=0, max_value=5, max_digits=3, decimal_places=2, required=False
    )
    badge = serializers.SlugField(max_length=60, required=False)
    provider_kind = serializers.ChoiceField(ProviderProfile.Kind.choices, required=False)
    language = serializers.ChoiceField(Language.choices, required=False)
    include_remote = serializers.BooleanField(required=False, default=True)
    sort = serializers.ChoiceField(SORTS, required=False, default="relevance")
    cursor = serializers.CharField(max_length=500, required=False)
    page_size = IntegerField(min_value=1, max_value=50, required=False, default=20)

    def validate(self, data):
        if ("latitude" in data) != ("longitude" in data):
            raise serializers.ValidationError(
                {"longitude" if "latitude" in data else "latitude": _("Give both coordinates.")},
                code="coordinates_incomplete",
            )
        if "postal_code" in data and "latitude" in data:
            raise serializers.ValidationError(
                {"postal_code": _("Give a postal code or coordinates, not both.")},
                code="place_twice",
            )
        if (
            data.get("price_min") is not None
            and data.get("price_max") is not None
            and data["price_min"] > data["price_max"]
        ):
            raise serializers.ValidationError(
                {"price_max": _("The maximum price must not be below the minimum price.")},
                code="price_range",
            )
        has_place = "postal_code" in data or "latitude" in data
        if not has_place and not data.get("q", "").strip():
            # A neighbourhood search is about a place or a need; an empty search would
            # count the whole catalog for its facets.
            raise serializers.ValidationError(
                {"postal_code": _("Give a postal code (or coordinates) or words to search for.")},
                code="place_or_words",
            )
        if data.get("sort") == "distance" and not has_place:
            raise serializers.ValidationError(
                {"sort": _("Sorting by distance needs a place.")}, code="distance_needs_place"
            )
        return data


class SearchResultSerializer(serializers.Serializer):
    """Shapes one row of quartier.catalog.selectors.search.listing_search."""

    def to_representation(self, row):
        names = row["category_names"] or {}
        language = _language()
        return {
            "id": row["id"],
            "title": row["title"],
            "price": Money(row["price_amount_minor"], row["price_currency"]).as_dict(),
            "price_unit": row["price_unit"],
            "duration_minutes": row["duration_minutes"],
            "is_remote": row["is_remote"],
            "postal_code": row["postal_code"],
            "distance_km": None if row["distance_km"] is None else round(row["distance_km"], 1),
            "category": {
                "id": row["category_id"],
                "slug": row["category_slug"],
                "name": localized(names, language),
            },
            "photo_url": row.get("photo_url"),
            "provider": {
                "id": row["provider_id"],
                "display_name": row["display_name"],
                "kind": row["kind"],
                "is_vetted": row["is_vetted"],
                "badges": list(row["badge_slugs"] or []),
                "rating": rating_of(count=row["rating_count"], total=row["rating_sum"]).as_dict(),
                "completed_jobs": row["completed_jobs"],
            },
        }


class TaskSerializer(serializers.ModelSerializer):
    category = CategorySerializer()
    budget = serializers.SerializerMethodField()
    offer_count = serializers.SerializerMethodField()

    class Meta:
        model = TaskRequest
        fields = [
            "id",
            "title",
            "description",
            "category",
            "postal_code",
            "budget",
            "preferred_windows",
            "status",
            "offer_count",
            "created_at",
        ]

    def get_budget(self, task) -> dict | None:
        return task.budget.as_dict() if task.budget else None

    def get_offer_count(self, task) -> int:
        annotated = getattr(task, "offer_total", None)
        return annotated if annotated is not None else task.offers.count()


class TaskWriteSerializer(serializers.Serializer):
    category = PrimaryKeyRelatedField(queryset=Category.objects.all())
    title = serializers.CharField(max_length=120)
    description = serializers.CharField(
        max_length=5000, allow_blank=True, required=False, default=""
    )
    postal_code = serializers.RegexField(POSTAL_CODE)
    budget = MoneyField(required=False, allow_null=True)
    preferred_windows = serializers.ListField(
        child=serializers.DictField(), max_length=3, required=False, default=list
    )


class TaskSearchSerializer(serializers.Serializer):
    radius_km = IntegerField(min_value=1, max_value=200, required=False)
    category = serializers.CharField(max_length=60, required=False)
    cursor = serializers.CharField(max_length=500, required=False)


class TaskNearbySerializer(TaskSerializer):
    distance_km = serializers.FloatField()

    class Meta(TaskSerializer.Meta):
        fields = [*TaskSerializer.Meta.fields, "distance_km"]


class TaskSearchPageSerializer(serializers.Serializer):
    """The answer of the task search (documentation only: the view builds it)."""

    results = TaskNearbySerializer(many=True)
    next_cursor = serializers.CharField(allow_null=True)


class OfferSerializer(serializers.ModelSerializer):
    provider = ProviderSummarySerializer()
    price = serializers.SerializerMethodField()

    class Meta:
        model = Offer
        fields = [
            "id",
            "task",
            "provider",
            "price",
            "message",
            "proposed_start",
            "proposed_minutes",
            "status",
            "booking_id",
            "created_at",
        ]

    def get_price(self, offer) -> dict:
        return offer.price.as_dict()


class OfferWriteSerializer(serializers.Serializer):
    price = MoneyField()
    message = serializers.CharField(max_length=2000, allow_blank=True, required=False, default="")
    proposed_start = serializers.DateTimeField(required=False, allow_null=True)
    proposed_minutes = serializers.IntegerField(
        min_value=15, max_value=24 * 60, required=False, allow_null=True
    )
