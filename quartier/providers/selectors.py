"""Reads on providers, fetched and authorised together."""

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from quartier.accounts.models import User
from quartier.platform.errors import NotFound
from quartier.providers.models import ProviderProfile


def _profiles() -> QuerySet[ProviderProfile]:
    return ProviderProfile.objects.select_related("user").prefetch_related("social_links")


def provider_profile_get(*, profile_id: int, viewer: User | None = None) -> ProviderProfile:
    """A profile anyone may see; a suspended one only by its owner or an admin."""
    profile = _profiles().filter(pk=profile_id).first()
    if profile is None or (
        profile.is_suspended and not provider_seen_by_owner_or_admin(profile, viewer)
    ):
        raise NotFound(_("No such provider."))
    return profile


def provider_seen_by_owner_or_admin(profile: ProviderProfile, viewer: User | None) -> bool:
    """Whether the viewer is the provider themself or a tenant admin (who see hidden things)."""
    if viewer is None or not viewer.is_authenticated:
        return False
    return viewer.pk == profile.user_id or viewer.is_tenant_admin


def provider_profile_of(user: User) -> ProviderProfile | None:
    return _profiles().filter(user=user).first() if user.is_authenticated else None


def provider_profiles_by_id(ids) -> dict[int, ProviderProfile]:
    """Profiles by id in one query (search results: avatars and calendars)."""
    return ProviderProfile.objects.in_bulk(list(ids))
