"""Catalog data for tests, made through the real services (inside a tenant's schema)."""

import io
import itertools

from django.utils import timezone
from PIL import Image

from quartier.accounts.models import User
from quartier.accounts.services import user_create
from quartier.catalog.models import Category, Listing
from quartier.catalog.services.listings import listing_create, listing_set_status
from quartier.platform.money import Money
from quartier.providers.models import ProviderProfile
from quartier.providers.services import provider_profile_create
from tests.conftest import PASSWORD

_counter = itertools.count(1)


def make_provider(
    *,
    user: User | None = None,
    postal_code: str = "8004",
    vetted: bool = True,
    radius_km: int = 10,
    **fields,
) -> ProviderProfile:
    if user is None:
        number = next(_counter)
        user = user_create(
            email=f"helper{number}@example.ch",
            password=PASSWORD,
            full_name=f"Helper {number}",
            role=User.Role.PROVIDER,
        )
    fields.setdefault("display_name", user.full_name or "Helper")
    profile = provider_profile_create(
        user=user, home_postal_code=postal_code, service_radius_km=radius_km, **fields
    )
    if vetted:
        ProviderProfile.objects.filter(pk=profile.pk).update(
            is_vetted=True, vetted_at=timezone.now()
        )
        profile.refresh_from_db()
    return profile


def tenant_provider(handle, *, display_name: str = "Helper") -> ProviderProfile:
    """The profile of the tenant's own provider user (handle.users["provider"]), made on
    first use (inside the tenant's schema)."""
    user = handle.users["provider"]
    existing = ProviderProfile.objects.filter(user=user).first()
    return existing or make_provider(user=user, display_name=display_name)


def category(slug: str = "router-setup") -> Category:
    return Category.objects.get(slug=slug)


def make_listing(
    *,
    provider: ProviderProfile | None = None,
    title: str = "WLAN setup",
    francs: int = 60,
    category_slug: str = "router-setup",
    publish: bool = True,
    **fields,
) -> Listing:
    provider = provider or make_provider()
    listing = listing_create(
        provider=provider,
        category=category(category_slug),
        title=title,
        price=Money(francs * 100, "CHF"),
        **fields,
    )
    if publish:
        listing = listing_set_status(listing=listing, status=Listing.Status.PUBLISHED)
    return listing


def png_bytes(size=(64, 48)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 120, 200)).save(buffer, format="PNG")
    return buffer.getvalue()
