"""Writes on the marketplace settings."""

from django.db import transaction
from django.utils.translation import gettext as _

from quartier.marketplace.errors import INVALID_LANGUAGES
from quartier.marketplace.models import MarketplaceSettings
from quartier.marketplace.selectors import marketplace_settings_for_update
from quartier.platform.errors import ApplicationError
from quartier.platform.languages import Language


def marketplace_settings_initialise(*, tenant, seed) -> None:
    """Tenant initialiser: default settings in the seed's language and currency."""
    MarketplaceSettings.objects.create(
        display_name=seed.name,
        default_language=seed.language,
        currency=seed.currency,
        contact_email=seed.admin_email,
    )


@transaction.atomic
def marketplace_languages_set(
    *, actor, default_language: str, enabled_languages: list[str]
) -> MarketplaceSettings:
    """Choose the marketplace's default language and the languages visitors may pick."""
    known = set(Language.values)
    choices = ", ".join(Language.values)
    fields: dict[str, list[str]] = {}
    if not isinstance(enabled_languages, list | tuple) or not enabled_languages:
        fields["enabled_languages"] = [_("Choose at least one language.")]
    else:
        unknown = [str(code) for code in enabled_languages if code not in known]
        if unknown:
            fields["enabled_languages"] = [
                _("Unknown language %(languages)s; choose from %(choices)s.")
                % {"languages": ", ".join(unknown), "choices": choices}
            ]
    if default_language not in known:
        fields["default_language"] = [
            _("Unknown language %(languages)s; choose from %(choices)s.")
            % {"languages": default_language, "choices": choices}
        ]
    elif "enabled_languages" not in fields and default_language not in enabled_languages:
        fields["default_language"] = [_("The default language must be one of the enabled ones.")]
    if fields:
        first = next(iter(fields.values()))[0]
        raise ApplicationError(INVALID_LANGUAGES, first, fields=fields)

    row = marketplace_settings_for_update()
    before = {"default_language": row.default_language, "enabled_languages": row.enabled_languages}
    # Stored in the order of Language, so the switcher lists them the same way everywhere.
    row.enabled_languages = [code for code in Language.values if code in enabled_languages]
    row.default_language = default_language
    row.save(update_fields=["default_language", "enabled_languages", "updated_at"])
    audit_record(
        actor=actor,
        action="marketplace.languages_set",
        subject=row,
        before=before,
        after={"default_language": default_language, "enabled_languages": row.enabled_languages},
    )
    return row


@transaction.atomic
def marketplace_rating_minimum_set(*, actor, minimum: int) -> MarketplaceSettings:
    """How many published reviews a provider needs before their rating shows as a number."""
    if type(minimum) is not int or not 1 <= minimum <= 50:
        raise ApplicationError.invalid_field(
            "rating_min_reviews", _("Choose a number of reviews from 1 to 50.")
        )
    row = marketplace_settings_for_update()
    before = {"rating_min_reviews": row.rating_min_reviews}
    row.rating_min_reviews = minimum
    row.save(update_fields=["rating_min_reviews", "updated_at"])
    audit_record(
        actor=actor,
        action="marketplace.rating_minimum_set",
        subject=row,
        before=before,
        after={"rating_min_reviews": minimum},
    )
    return row


def audit_record(
    *,
    actor,
    action: str,
    subject,
    before: dict | None = None,
    after: dict | None = None,
    reason: str = "",
) -> None:
    """Append one entry to the tenant's audit trail (inside the caller's transaction)."""
    from quartier.marketplace.models import AuditEntry

    AuditEntry.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        subject_type=subject._meta.label_lower,
        subject_id=subject.pk,
        before=before or {},
        after=after or {},
        reason=reason or "",
    )
