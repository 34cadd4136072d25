"""Writes on providers: the profile (who offers help, where, in which languages, their
social links) and every fact other apps decide (vetting, suspension, rating, completed
jobs, badges shown). No other app writes a provider's row."""

from urllib.parse import urlparse

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from quartier.accounts.models import User
from quartier.geo.selectors import postal_code_point
from quartier.platform.errors import ApplicationError
from quartier.platform.events import publish
from quartier.platform.languages import Language
from quartier.platform.uploads import image_clean
from quartier.providers import errors
from quartier.providers.events import ProviderFactsChanged
from quartier.providers.models import ProviderProfile, SocialLink

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
# The rating's prior: five 4-star reviews, so one 5-star review stays below fifty 4.9s.
RATING_PRIOR_MEAN = 4
RATING_PRIOR_WEIGHT = 5


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
            point = postal_code_point(value, field="home_postal_code")
            profile.latitude, profile.longitude = point.latitude, point.longitude
            profile.location = point.projected()
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
            errors.PROFILE_EXISTS,
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


# The facts. Each changes here only; those that rules read (vetting, suspension,
# completed jobs, rating) publish ProviderFactsChanged in the caller's transaction, so
# the apps that derive something from them (trust: rule badges) follow at once.


def _facts_changed(provider_id: int) -> None:
    publish(ProviderFactsChanged(provider_id=provider_id))


@transaction.atomic
def provider_vetting_set(*, provider: ProviderProfile, vetted: bool) -> ProviderProfile:
    """Vet or un-vet a provider (trust decides when)."""
    ProviderProfile.objects.filter(pk=provider.pk).update(
        is_vetted=vetted, vetted_at=timezone.now() if vetted else None
    )
    _facts_changed(provider.pk)
    provider.refresh_from_db(fields=["is_vetted", "vetted_at"])
    return provider


@transaction.atomic
def provider_suspension_set(*, provider: ProviderProfile, suspended: bool) -> ProviderProfile:
    """Suspend or reinstate a provider (trust decides when); hides their listings."""
    ProviderProfile.objects.filter(pk=provider.pk).update(is_suspended=suspended)
    _facts_changed(provider.pk)
    provider.refresh_from_db(fields=["is_suspended"])
    return provider


@transaction.atomic
def provider_completed_jobs_increment(*, provider_id: int) -> None:
    """One more job done (bookings, when a booking is completed)."""
    ProviderProfile.objects.filter(pk=provider_id).update(completed_jobs=F("completed_jobs") + 1)
    _facts_changed(provider_id)


def bayesian_score(*, count: int, total: int) -> int:
    """Average stars x 100 with the prior, rounded half up."""
    numerator = (RATING_PRIOR_MEAN * RATING_PRIOR_WEIGHT + total) * 100
    denominator = RATING_PRIOR_WEIGHT + count
    return (2 * numerator + denominator) // (2 * denominator)


@transaction.atomic
def provider_rating_set(*, provider_id: int, rating_count: int, rating_sum: int) -> None:
    """Store the totals of a provider's visible reviews (bookings counts them) and the
    Bayesian average that search sorts on."""
    ProviderProfile.objects.filter(pk=provider_id).update(
        rating_count=rating_count,
        rating_sum=rating_sum,
        rating_score=bayesian_score(count=rating_count, total=rating_sum) if rating_count else 0,
    )
    _facts_changed(provider_id)


@transaction.atomic
def provider_history_add(
    *, provider_id: int, jobs: int, rating_count: int, rating_sum: int
) -> None:
    """Past jobs added at once (the demo's booking history): more completed jobs, and the
    totals of the provider's visible reviews as provider_rating_set stores them; one
    facts change instead of two per job."""
    ProviderProfile.objects.filter(pk=provider_id).update(
        completed_jobs=F("completed_jobs") + jobs,
        rating_count=rating_count,
        rating_sum=rating_sum,
        rating_score=bayesian_score(count=rating_count, total=rating_sum) if rating_count else 0,
    )
    _facts_changed(provider_id)


@transaction.atomic
def provider_badges_set(*, provider_id: int, badge_slugs: list[str]) -> None:
    """The badges shown on the profile (trust mirrors its live unscoped awards here).

    Not a fact rules read, so nothing is published: badges follow the facts, never the
    other way round.
    """
    ProviderProfile.objects.filter(pk=provider_id).update(badge_slugs=sorted(badge_slugs))
