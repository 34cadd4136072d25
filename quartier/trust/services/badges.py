"""Trust badges: defined by the tenant, awarded by hand or by rule, kept in sync.

A provider's live badges are mirrored onto ProviderProfile.badge_slugs (unscoped badges)
and onto each listing's badge_slugs (unscoped ones plus those scoped to its category),
which is what profiles show and search filters on.
"""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from quartier.accounts.models import User
from quartier.catalog.models import Listing
from quartier.marketplace.services import audit_record
from quartier.platform.errors import ApplicationError, Conflict
from quartier.platform.events import publish
from quartier.providers.models import ProviderProfile
from quartier.providers.services import provider_badges_set
from quartier.trust import errors
from quartier.trust.events import BadgeAwarded, BadgeExpiring
from quartier.trust.models import Badge, BadgeAward

LANGUAGES = ("de", "fr", "it", "en")


def _clean_texts(values, field: str, *, required: bool, limit: int) -> dict:
    if not isinstance(values, dict) or (required and not values):
        raise ApplicationError.invalid_field(
            field, gettext("Give the text by language (de/fr/it/en).")
        )
    for language, text in values.items():
        if (
            language not in LANGUAGES
            or not isinstance(text, str)
            or len(text) > limit
            or (required and not text.strip())
        ):
            raise ApplicationError.invalid_field(
                field,
                gettext("Texts by language, up to %(limit)s characters each.") % {"limit": limit},
            )
    return {language: text.strip() for language, text in values.items()}


def _check_rule(rule: str, threshold, min_reviews) -> None:
    if rule == Badge.Rule.TOP_RATED and (
        threshold is None or not 100 <= threshold <= 500 or not min_reviews
    ):
        raise ApplicationError.invalid_field(
            "threshold",
            gettext(
                "Top rated needs a rating between 1.00 and 5.00 (x100) and a "
                "minimum number of reviews."
            ),
            code=errors.BADGE_RULE,
        )
    if rule == Badge.Rule.COMPLETED_JOBS and not threshold:
        raise ApplicationError.invalid_field(
            "threshold", gettext("Give the number of completed jobs."), code=errors.BADGE_RULE
        )


@transaction.atomic
def badge_create(*, slug: str, names: dict, actor: User, categories=(), **fields) -> Badge:
    if Badge.objects.filter(slug=slug).exists():
        raise ApplicationError.invalid_field("slug", gettext("This slug is taken."))
    fields["descriptions"] = _clean_texts(
        fields.get("descriptions", {}), "descriptions", required=False, limit=500
    )
    badge = Badge(slug=slug, names=_clean_texts(names, "names", required=True, limit=60), **fields)
    _check_rule(badge.rule, badge.threshold, badge.min_reviews)
    badge.full_clean(exclude=["categories"])
    badge.save()
    badge.categories.set(categories)
    audit_record(
        actor=actor, action="badge.define", subject=badge, after={"slug": slug, "rule": badge.rule}
    )
    if badge.rule != Badge.Rule.MANUAL:
        transaction.on_commit(lambda: badges_recompute_all(badge=badge))
    return badge


@transaction.atomic
def badge_update(*, badge: Badge, actor: User, categories=None, **fields) -> Badge:
    if "names" in fields:
        fields["names"] = _clean_texts(fields["names"], "names", required=True, limit=60)
    if "descriptions" in fields:
        fields["descriptions"] = _clean_texts(
            fields["descriptions"], "descriptions", required=False, limit=500
        )
    for field, value in fields.items():
        setattr(badge, field, value)
    _check_rule(badge.rule, badge.threshold, badge.min_reviews)
    badge.full_clean(exclude=["categories"])
    badge.save()
    if categories is not None:
        badge.categories.set(categories)
    audit_record(
        actor=actor,
        action="badge.update",
        subject=badge,
        after={key: str(value) for key, value in fields.items()},
    )
    transaction.on_commit(lambda: badges_recompute_all(badge=badge))
    return badge


@transaction.atomic
def badge_award(
    *,
    badge: Badge,
    provider: ProviderProfile,
    actor: User | None,
    valid_until: datetime | None = None,
    reason: str = "",
) -> BadgeAward:
    if BadgeAward.objects.filter(badge=badge, provider=provider, revoked_at__isnull=True).exists():
        raise Conflict("badge_held", gettext("This provider already holds the badge."))
    if valid_until is None and badge.validity_days:
        valid_until = timezone.now() + timedelta(days=badge.validity_days)
    if valid_until is not None and valid_until <= timezone.now():
        raise ApplicationError.invalid_field("valid_until", gettext("Choose a date in the future."))
    award = BadgeAward.objects.create(
        badge=badge, provider=provider, awarded_by=actor, valid_until=valid_until
    )
    audit_record(
        actor=actor,
        action="badge.award",
        subject=award,
        after={
            "badge": badge.slug,
            "provider": provider.pk,
            "valid_until": valid_until.isoformat() if valid_until else None,
        },
        reason=reason or ("rule: " + badge.rule if actor is None else ""),
    )
    badges_sync(provider=provider)
    publish(BadgeAwarded(award_id=award.pk, badge_id=badge.pk, provider_id=provider.pk))
    return award


@transaction.atomic
def badge_revoke(*, award: BadgeAward, actor: User | None, reason: str) -> BadgeAward:
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError.invalid_field("reason", gettext("Say why the badge is revoked."))
    award = BadgeAward.objects.select_for_update().get(pk=award.pk)
    if award.revoked_at is not None:
        raise Conflict("badge_revoked", gettext("This badge was already revoked."))
    award.revoked_at, award.revoked_by, award.revoke_reason = timezone.now(), actor, reason[:500]
    award.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    audit_record(
        actor=actor,
        action="badge.revoke",
        subject=award,
        before={"badge": award.badge.slug, "live": True},
        after={"live": False},
        reason=reason,
    )
    badges_sync(provider=award.provider)
    return award


def _rule_holds(badge: Badge, provider: ProviderProfile) -> bool:
    if badge.rule == Badge.Rule.VETTED:
        return provider.is_vetted and not provider.is_suspended
    if badge.rule == Badge.Rule.TOP_RATED:
        return provider.rating_count >= (badge.min_reviews or 0) and provider.rating_score >= (
            badge.threshold or 0
        )
    if badge.rule == Badge.Rule.COMPLETED_JOBS:
        return provider.completed_jobs >= (badge.threshold or 0)
    return False


@transaction.atomic
def badges_recompute(*, provider: ProviderProfile) -> None:
    """Award or revoke the rule badges of one provider after its facts changed."""
    provider = ProviderProfile.objects.get(pk=provider.pk)
    live = {
        award.badge_id: award
        for award in BadgeAward.objects.filter(
            provider=provider, revoked_at__isnull=True
        ).select_related("badge")
    }
    for badge in Badge.objects.filter(is_active=True).exclude(rule=Badge.Rule.MANUAL):
        holds = _rule_holds(badge, provider)
        if holds and badge.pk not in live:
            badge_award(badge=badge, provider=provider, actor=None)
        elif not holds and badge.pk in live:
            badge_revoke(
                award=live[badge.pk], actor=None, reason="The badge's rule no longer holds."
            )
    badges_sync(provider=provider)


def badges_recompute_all(*, badge: Badge | None = None) -> int:
    providers = ProviderProfile.objects.all()
    for provider in providers:
        badges_recompute(provider=provider)
    return providers.count()


def badges_sync(*, provider: ProviderProfile) -> None:
    """Mirror the live, unexpired badges onto the profile and each listing."""
    now = timezone.now()
    awards = (
        BadgeAward.objects.filter(provider=provider, revoked_at__isnull=True, badge__is_active=True)
        .exclude(valid_until__lt=now)
        .select_related("badge")
        .prefetch_related("badge__categories")
    )
    unscoped, scoped = [], []
    for award in awards:
        category_ids = {category.pk for category in award.badge.categories.all()}
        (scoped if category_ids else unscoped).append((award.badge.slug, category_ids))
    provider_badges_set(provider_id=provider.pk, badge_slugs=[slug for slug, _ in unscoped])
    for listing in Listing.objects.filter(provider=provider).select_related("category"):
        _sync_listing(listing, unscoped, scoped)


def _sync_listing(listing: Listing, unscoped, scoped) -> None:
    lineage = {listing.category_id, listing.category.parent_id}
    slugs = sorted(
        {slug for slug, _ in unscoped}
        | {slug for slug, category_ids in scoped if category_ids & lineage}
    )
    if slugs != listing.badge_slugs:
        Listing.objects.filter(pk=listing.pk).update(badge_slugs=slugs)


def badges_expire_due(*, now: datetime | None = None) -> int:
    now = now or timezone.now()
    expired = list(BadgeAward.objects.filter(revoked_at__isnull=True, valid_until__lte=now))
    for award in expired:
        badge_revoke(award=award, actor=None, reason="The badge expired.")
    return len(expired)


def badges_warn_expiring(*, now: datetime | None = None) -> int:
    """E-mail providers whose badge expires within the tenant's warning period."""
    from quartier.marketplace.selectors import marketplace_settings
    from quartier.trust.notifications import notify_provider

    now = now or timezone.now()
    horizon = now + timedelta(days=marketplace_settings().badge_expiry_warning_days)
    due = BadgeAward.objects.filter(
        revoked_at__isnull=True,
        expiry_warned_at__isnull=True,
        valid_until__gt=now,
        valid_until__lte=horizon,
    ).select_related("badge", "provider__user")
    warned = 0
    for award in due:
        user = award.provider.user
        # The mail is queued with the mark, so a warning is neither lost nor sent twice.
        with transaction.atomic():
            notify_provider(
                user=user,
                kind="badge_expiring",
                template="trust/email/badge_expiring.txt",
                badge_name=award.badge.name_in(user.preferred_language or "en"),
                valid_until=award.valid_until,
            )
            BadgeAward.objects.filter(pk=award.pk).update(expiry_warned_at=now)
            publish(
                BadgeExpiring(
                    award_id=award.pk, badge_id=award.badge_id, provider_id=award.provider_id
                )
            )
        warned += 1
    return warned
