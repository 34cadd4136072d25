from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models

from quartier.platform.money import Currency
from quartier.platform.tenant_cache import invalidate, tenant_key

# Cached reads of the settings row (marketplace/selectors.py), one key per tenant schema.
SETTINGS_KEY = "marketplace:settings"
LANGUAGES_KEY = "marketplace:languages"
RATING_MINIMUM_KEY = "marketplace:rating_min_reviews"


def settings_cache_invalidate() -> None:
    """The current tenant's cached settings are stale: every write of the row calls it."""
    for name in (SETTINGS_KEY, LANGUAGES_KEY, RATING_MINIMUM_KEY):
        invalidate(tenant_key(name))


class SettingsQuerySet(models.QuerySet):
    def update(self, **kwargs):
        # A bulk update sends no post_save: the cached copies go here.
        updated = super().update(**kwargs)
        settings_cache_invalidate()
        return updated


def _all_languages() -> list[str]:
    return ["de", "fr", "it", "en"]


class MarketplaceSettings(models.Model):
    """One row per tenant schema: how this marketplace behaves."""

    singleton = models.BooleanField(default=True, unique=True, editable=False)
    display_name = models.CharField(max_length=100)
    default_language = models.CharField(max_length=8, default="de")
    enabled_languages = ArrayField(models.CharField(max_length=8), default=_all_languages)
    currency = models.CharField(max_length=3, choices=Currency.choices, default=Currency.CHF)
    time_zone = models.CharField(max_length=64, default="Europe/Zurich")
    contact_email = models.EmailField(blank=True)
    # Only vetted providers may publish listings and send offers.
    vetting_required = models.BooleanField(default=True)
    # Unanswered booking requests expire after this many hours.
    booking_request_expiry_hours = models.PositiveIntegerField(default=48)
    # Trust policy: how long a flagged provider has to re-vet, how long private
    # documents are kept after a decision, and how early badge expiry is announced.
    revetting_grace_days = models.PositiveIntegerField(default=30)
    document_retention_days = models.PositiveIntegerField(default=90)
    badge_expiry_warning_days = models.PositiveIntegerField(default=14)
    # Below this many published reviews a provider shows as "New" instead of a number.
    rating_min_reviews = models.PositiveSmallIntegerField(default=3)
    # Admins must sign in with a second step (authenticator app or passkey) before the
    # back office and the admin API answer them (quartier.accounts.mfa).
    admins_require_mfa = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SettingsQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(singleton=True), name="settings_singleton"),
            models.CheckConstraint(
                condition=models.Q(
                    booking_request_expiry_hours__gte=1, booking_request_expiry_hours__lte=720
                ),
                name="settings_expiry_hours_range",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        settings_cache_invalidate()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        settings_cache_invalidate()
        return result


# Models that moved to another app keep their old label on the rows written before the
# move (the trail is append-only); readers that filter on a label ask for both.
SUBJECT_TYPE_RENAMED = {
    "catalog.providerprofile": "providers.providerprofile",
    "catalog.sociallink": "providers.sociallink",
}


class AuditEntryQuerySet(models.QuerySet):
    def of_subject_type(self, subject_type: str):
        """Entries about one kind of subject, under its current and any former label."""
        current = SUBJECT_TYPE_RENAMED.get(subject_type, subject_type)
        former = [old for old, new in SUBJECT_TYPE_RENAMED.items() if new == current]
        return self.filter(subject_type__in=[current, *former])


class AuditEntry(models.Model):
    """Append-only record of a decision (vetting, badges, suspensions, moderation).

    A database trigger refuses UPDATE and DELETE on this table (migration 0002), so not
    even a bug or a shell session can rewrite history.
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=64, db_index=True)
    subject_type = models.CharField(max_length=64)
    subject_id = models.BigIntegerField()
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["subject_type", "subject_id"])]

    def __str__(self) -> str:
        return f"{self.action} {self.subject_type}#{self.subject_id}"


class IdempotencyKey(models.Model):
    """The first answer to a client's `Idempotency-Key`, replayed to its retries for 24 h.

    Written in the same transaction as what the request created, so a committed write
    always has its answer stored and a rolled-back one leaves no key behind.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    # SHA-256 of the method, the path and the body: the same key with another request
    # is a client bug, refused rather than answered with somebody else's answer.
    fingerprint = models.CharField(max_length=64)
    response_status = models.PositiveSmallIntegerField()
    # The JSON text as first sent (a jsonb column would reorder the keys); "" for none.
    response_body = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_unique_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.key} of user #{self.user_id}"


# Eligibility (issue 18): who may book and who may offer help. The rule is read by
# quartier/marketplace/eligibility.py and nowhere else.
ELIGIBILITY_KEY = "marketplace:eligibility"


class EligibilityRole(models.TextChoices):
    BOOK = "book", "who may book"
    OFFER = "offer", "who may offer help"


class EligibilityKind(models.TextChoices):
    ANYONE = "anyone", "anyone"
    SSO = "sso", "SSO users only"
    DOMAINS = "domains", "e-mail domains"
    CODES = "codes", "invitation codes"
    ALLOWLIST = "allowlist", "allow-list of e-mails"


def _eligibility_invalidate() -> None:
    invalidate(tenant_key(ELIGIBILITY_KEY))


class EligibilityQuerySet(models.QuerySet):
    def update(self, **kwargs):
        updated = super().update(**kwargs)
        _eligibility_invalidate()
        return updated

    def delete(self):
        result = super().delete()
        _eligibility_invalidate()
        return result


class EligibilityRule(models.Model):
    """At most one row per role; no row means anyone."""

    role = models.CharField(max_length=8, choices=EligibilityRole.choices, unique=True)
    kind = models.CharField(
        max_length=12, choices=EligibilityKind.choices, default=EligibilityKind.ANYONE
    )
    # SSO only: an optional claim the provider must have sent, e.g. customer_type=residential.
    claim_name = models.CharField(max_length=100, blank=True)
    claim_value = models.CharField(max_length=200, blank=True)
    # E-mail domains (lower case, IDNA); subdomains count only when the tenant says so.
    domains = ArrayField(models.CharField(max_length=253), default=list, blank=True)
    include_subdomains = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EligibilityQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.role}: {self.kind}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        _eligibility_invalidate()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        _eligibility_invalidate()
        return result


class InvitationCode(models.Model):
    """A code the tenant admin hands out; consumed atomically at sign-up."""

    role = models.CharField(max_length=8, choices=EligibilityRole.choices)
    code = models.CharField(max_length=64, unique=True)
    label = models.CharField(max_length=100, blank=True)
    max_uses = models.PositiveIntegerField(null=True, blank=True)
    uses = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(max_uses__isnull=True)
                | models.Q(uses__lte=models.F("max_uses")),
                name="invitation_uses_within_max",
            ),
        ]

    def __str__(self) -> str:
        return self.code


class InvitationUse(models.Model):
    """Who signed up with a code: they stay eligible for its role."""

    invitation = models.ForeignKey(InvitationCode, on_delete=models.CASCADE, related_name="used")
    email = models.EmailField(max_length=254)
    used_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["invitation", "email"], name="invitation_use_once"),
        ]
        indexes = [models.Index(fields=["email"])]

    def __str__(self) -> str:
        return f"{self.invitation_id}: {self.email}"


class AllowedEmail(models.Model):
    """One e-mail of the tenant's allow-list (replaced as a whole by a CSV upload)."""

    role = models.CharField(max_length=8, choices=EligibilityRole.choices)
    email = models.EmailField(max_length=254)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["role", "email"], name="allowed_email_once"),
        ]

    def __str__(self) -> str:
        return f"{self.role}: {self.email}"
