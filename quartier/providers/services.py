"""Provider profiles: who offers help, where, in which languages; their social links."""

from urllib.parse import urlparse

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _

from quartier.accounts.models import User
from quartier.catalog import errors
from quartier.catalog.models import Language, ProviderProfile, SocialLink
from quartier.catalog.services.locations import location_fields
from quartier.platform.errors import ApplicationError
from quartier.platform.uploads import image_clean

# Host names each network's profile links must live on.
SOCIAL_HOSTS = {
    SocialLink.Network.LINKEDIN: ("linkedin.com",),
    SocialLink.Network.FACEBOOK: ("facebook.com",),
    SocialLink.Network.INSTAGRAM: ("instagram.com",),
    SocialLink.Network.X: ("x.com", "twitter.com"),
    SocialLink.Network.XING: ("xing.com",),
    SocialLink.Network.WEBSITE: (),
}
MAX_SKILLS = 20


def _clean_languages(languages) -> list[str]:
    if not isinstance(languages, list) or any(code not in Language.values for code in languages):
        raise ApplicationError.invalid_field("languages", _("Use language codes de, fr, it, en."))
    return sorted(set(languages))


def _clean_skills(skills) -> list[str]:
    if not isinstance(skills, list) or len(skills) > MAX_SKILLS:
        raise ApplicationError.invalid_field(
            "skills", _("Give at most %(max_skills)s skills.") % {"max_skills": MAX_SKILLS}
        )
    cleaned = []
    for skill in skills:
        if not isinstance(skill, str) or not skill.strip() or len(skill.strip()) > 60:
            raise ApplicationError.invalid_field("skills", _("Each skill needs 1-60 characters."))
        if skill.strip() not in cleaned:
            cleaned.append(skill.strip())
    return cleaned


def _clean_social_links(links) -> list[tuple[str, str]]:
    if not isinstance(links, list) or len(links) > len(SOCIAL_HOSTS):
        raise ApplicationError.invalid_field("social_links", _("Give a list of links."))
    cleaned: dict[str, str] = {}
    for link in links:
        network, url = (
            (link.get("network"), link.get("url")) if isinstance(link, dict) else (None, None)
        )
        if network not in SOCIAL_HOSTS:
            raise ApplicationError.invalid_field(
                "social_links", _("Unknown network %(network)s.") % {"network": repr(network)}
            )
        cleaned[network] = _check_social_url(network, url)
    return list(cleaned.items())


def _check_social_url(network: str, url: object) -> str:
    parsed = urlparse(url if isinstance(url, str) else "")
    host = (parsed.hostname or "").lower()
    allowed = SOCIAL_HOSTS[network]
    host_ok = not allowed or any(host == h or host.endswith("." + h) for h in allowed)
    if parsed.scheme != "https" or not host or not host_ok or len(url) > 300:
        where = f" on {' or '.join(allowed)}" if allowed else ""
        raise ApplicationError.invalid_field(
            "social_links",
            _("%(network)s: give an https:// link%(where)s.")
            % {"network": network, "where": where},
        )
    return url


def _apply(profile: ProviderProfile, changes: dict) -> list[tuple[str, str]] | None:
    links = None
    for field, value in changes.items():
        if field == "languages":
            value = _clean_languages(value)
        elif field == "skills":
            value = _clean_skills(value)
        elif field == "social_links":
            links = _clean_social_links(value)
            continue
        elif field == "home_postal_code":
            for name, located in location_fields(value, field="home_postal_code").items():
                setattr(profile, name, located)
        setattr(profile, field, value)
    if profile.kind == ProviderProfile.Kind.COMPANY and not profile.company_name.strip():
        raise ApplicationError.invalid_field("company_name", _("A company needs its name."))
    return links


def _replace_links(profile: ProviderProfile, links: list[tuple[str, str]] | None) -> None:
    if links is None:
        return
    profile.social_links.all().delete()
    SocialLink.objects.bulk_create(
        [SocialLink(profile=profile, network=network, url=url) for network, url in links]
    )


_EDITABLE = {
    "display_name",
    "bio",
    "skills",
    "languages",
    "kind",
    "company_name",
    "home_postal_code",
    "service_radius_km",
    "social_links",
}


@transaction.atomic
def provider_profile_create(
    *, user: User, display_name: str, home_postal_code: str, **fields
) -> ProviderProfile:
    """Turn an account into a provider with a profile (one per account)."""
    if ProviderProfile.objects.filter(user=user).exists():
        raise ApplicationError(
            "profile_exists",
            _("You already have a provider profile."),
            fields={"user": [_("You already have a provider profile.")]},
            status=409,
        )
    unknown = set(fields) - _EDITABLE
    if unknown:
        raise ApplicationError.invalid_field(sorted(unknown)[0], _("Not a profile field."))
    profile = ProviderProfile(user=user)
    links = _apply(
        profile, {"display_name": display_name, "home_postal_code": home_postal_code, **fields}
    )
    profile.save()
    _replace_links(profile, links)
    if user.role == User.Role.CUSTOMER:
        user.role = User.Role.PROVIDER
        user.save(update_fields=["role"])
    return profile


@transaction.atomic
def provider_profile_update(*, profile: ProviderProfile, **changes) -> ProviderProfile:
    unknown = set(changes) - _EDITABLE
    if unknown:
        raise ApplicationError.invalid_field(sorted(unknown)[0], _("Not a profile field."))
    links = _apply(profile, changes)
    profile.save()
    _replace_links(profile, links)
    return profile


@transaction.atomic
def provider_photo_set(*, profile: ProviderProfile, upload) -> ProviderProfile:
    clean = image_clean(upload, field="photo", max_side=1200)
    old_name = profile.photo.name
    profile.photo.save(f"providers/{profile.pk}.{clean.extension}", clean.content, save=True)
    if old_name and old_name != profile.photo.name:
        transaction.on_commit(lambda: default_storage.delete(old_name))
    return profile


def provider_profile_require(user: User) -> ProviderProfile:
    profile = getattr(user, "provider_profile", None) if user.is_authenticated else None
    if profile is None:
        raise ApplicationError(
            errors.PROFILE_REQUIRED, _("Create your provider profile first."), status=403
        )
    return profile
