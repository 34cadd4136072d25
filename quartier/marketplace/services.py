"""Writes on the marketplace settings."""

from quartier.marketplace.models import MarketplaceSettings


def marketplace_settings_initialise(*, tenant, seed) -> None:
    """Tenant initialiser: default settings in the seed's language and currency."""
    MarketplaceSettings.objects.create(
        display_name=seed.name,
        default_language=seed.language,
        currency=seed.currency,
        contact_email=seed.admin_email,
    )


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
