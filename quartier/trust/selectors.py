"""Reads on vetting and badges, fetched and authorised together."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from quartier.accounts.models import User
from quartier.marketplace.models import AuditEntry
from quartier.marketplace.selectors import localized
from quartier.platform.errors import NotFound
from quartier.platform.tenant_cache import cached, tenant_key
from quartier.providers.models import ProviderProfile
from quartier.trust.models import (
    BADGES_KEY,
    Application,
    Badge,
    BadgeAward,
    Document,
    Quiz,
    Requirement,
)


def requirements(*, include_inactive: bool = False) -> QuerySet[Requirement]:
    found = Requirement.objects.select_related("quiz")
    return found if include_inactive else found.filter(is_active=True)


def requirement_get(*, requirement_id: int) -> Requirement:
    requirement = Requirement.objects.filter(pk=requirement_id).first()
    if requirement is None:
        raise NotFound(_("No such requirement."))
    return requirement


def quiz_get(*, quiz_id: int) -> Quiz:
    quiz = (
        Quiz.objects.select_related("requirement")
        .prefetch_related("questions__choices")
        .filter(pk=quiz_id, requirement__is_active=True)
        .first()
    )
    if quiz is None:
        raise NotFound(_("No such quiz."))
    return quiz


def applications() -> QuerySet[Application]:
    return Application.objects.select_related("provider__user").order_by("-submitted_at", "-id")


def application_get(*, application_id: int) -> Application:
    application = applications().filter(pk=application_id).first()
    if application is None:
        raise NotFound(_("No such application."))
    return application


def document_get_for_user(*, document_id: int, user: User) -> Document:
    """The uploading provider and the tenant's admins may see a document."""
    document = (
        Document.objects.select_related("step__application__provider")
        .filter(pk=document_id)
        .first()
    )
    if document is None or not document_is_visible(document, user):
        raise NotFound(_("No such document."))
    return document


def document_is_visible(document: Document, user: User) -> bool:
    return user.is_authenticated and (
        user.is_tenant_admin or document.step.application.provider.user_id == user.pk
    )


def badges(*, include_inactive: bool = False) -> QuerySet[Badge]:
    found = Badge.objects.prefetch_related("categories")
    return found if include_inactive else found.filter(is_active=True)


BADGES_CACHE_SECONDS = 24 * 60 * 60


def active_badges() -> tuple[Badge, ...]:
    """The tenant's active badges by slug, without their categories; from the cache when
    warm (the results page names them and draws their chips on every request). Shared
    objects: read them, never change them."""
    return cached(tenant_key(BADGES_KEY), _active_badges, BADGES_CACHE_SECONDS)


def _active_badges() -> tuple[Badge, ...]:
    return tuple(Badge.objects.filter(is_active=True).order_by("slug"))


def badge_get(*, badge_id: int) -> Badge:
    badge = badges(include_inactive=True).filter(pk=badge_id).first()
    if badge is None:
        raise NotFound(_("No such badge."))
    return badge


def award_get(*, award_id: int) -> BadgeAward:
    award = BadgeAward.objects.select_related("badge", "provider").filter(pk=award_id).first()
    if award is None:
        raise NotFound(_("No such award."))
    return award


def awards_of(provider: ProviderProfile) -> QuerySet[BadgeAward]:
    return BadgeAward.objects.filter(provider=provider).select_related("badge")


def audit_entries() -> QuerySet[AuditEntry]:
    return AuditEntry.objects.select_related("actor")


@dataclass(frozen=True)
class BadgeChip:
    """What a badge chip shows next to a helper's name, in the active language."""

    slug: str
    name: str
    colour: str  # "#1d4ed8", validated on the model
    icon: str  # a Badge.Icon value
    description: str  # what the badge certifies ("" when the tenant wrote none)
    valid_until: datetime | None  # the provider's award; None: no end date


def badge_chips(*, slugs_by_provider: dict[int, list[str]]) -> dict[int, list[BadgeChip]]:
    """Per provider id, the chips of the given badge slugs (as mirrored on a profile or a
    listing) in that order, with the validity of the provider's live award; one query
    (the badges themselves come from the tenant's cache)."""
    wanted = {slug for slugs in slugs_by_provider.values() for slug in slugs}
    if not wanted:
        return {provider_id: [] for provider_id in slugs_by_provider}
    by_slug = {badge.slug: badge for badge in active_badges() if badge.slug in wanted}
    now = timezone.now()
    until = {
        (row["provider_id"], row["badge__slug"]): row["valid_until"]
        for row in BadgeAward.objects.filter(
            Q(valid_until__isnull=True) | Q(valid_until__gt=now),
            provider_id__in=list(slugs_by_provider),
            badge__slug__in=wanted,
            revoked_at__isnull=True,
        ).values("provider_id", "badge__slug", "valid_until")
    }
    return {
        provider_id: [
            BadgeChip(
                slug=slug,
                name=by_slug[slug].name_in(),
                colour=by_slug[slug].colour,
                icon=by_slug[slug].icon,
                description=localized(by_slug[slug].descriptions),
                valid_until=until.get((provider_id, slug)),
            )
            for slug in slugs
            if slug in by_slug
        ]
        for provider_id, slugs in slugs_by_provider.items()
    }
