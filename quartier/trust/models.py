"""Vetting rules the tenant defines, provider applications, private documents, badges.

Every decision here is also written to the tenant's append-only audit trail
(quartier.marketplace.models.AuditEntry).
"""

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from quartier.catalog.models import Category
from quartier.platform.storage import private_storage
from quartier.platform.tenant_cache import invalidate, tenant_key
from quartier.providers.models import ProviderProfile


class Requirement(models.Model):
    """One step of the tenant's vetting rules, in order."""

    class Kind(models.TextChoices):
        IDENTITY_DOCUMENT = "identity_document", _("Identity document reviewed")
        CRIMINAL_RECORD = "criminal_record", _("Criminal-record extract reviewed")
        INTERVIEW = "interview", _("Interview held")
        QUIZ = "quiz", _("Skills quiz passed")
        EMAIL_VERIFIED = "email_verified", _("Email address verified")
        PHONE_VERIFIED = "phone_verified", _("Phone number verified")
        SOCIAL_PROFILE = "social_profile", _("Social profile linked")
        MIN_COMPLETED_BOOKINGS = "min_completed_bookings", _("Minimum completed bookings")
        MIN_RATING = "min_rating", _("Minimum rating")

    kind = models.CharField(max_length=32, choices=Kind.choices)
    position = models.PositiveIntegerField(default=0)
    # {"de": "...", "en": "..."}: what the provider reads.
    titles = models.JSONField(default=dict)
    instructions = models.JSONField(default=dict, blank=True)
    # Days an approval stays valid (e.g. 365 for a criminal-record extract); empty: forever.
    validity_days = models.PositiveIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1)]
    )
    # For the threshold kinds: completed bookings, or rating x 100.
    threshold = models.PositiveIntegerField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    DOCUMENT_KINDS = frozenset({Kind.IDENTITY_DOCUMENT, Kind.CRIMINAL_RECORD})
    REVIEWED_KINDS = frozenset({Kind.IDENTITY_DOCUMENT, Kind.CRIMINAL_RECORD, Kind.INTERVIEW})
    AUTOMATIC_KINDS = frozenset(
        {
            Kind.EMAIL_VERIFIED,
            Kind.PHONE_VERIFIED,
            Kind.SOCIAL_PROFILE,
            Kind.MIN_COMPLETED_BOOKINGS,
            Kind.MIN_RATING,
        }
    )

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title_in("en")

    def title_in(self, language: str) -> str:
        return self.titles.get(language) or next(iter(self.titles.values()), self.kind)


class Quiz(models.Model):
    requirement = models.OneToOneField(Requirement, on_delete=models.CASCADE, related_name="quiz")
    pass_mark_percent = models.PositiveSmallIntegerField(
        default=80, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    max_attempts = models.PositiveSmallIntegerField(default=3, validators=[MinValueValidator(1)])

    def __str__(self) -> str:
        return f"quiz of {self.requirement}"


class Question(models.Model):
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="questions")
    text = models.CharField(max_length=500)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.text


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    text = models.CharField(max_length=300)
    is_correct = models.BooleanField(default=False)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.text


class QuizAttempt(models.Model):
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="attempts")
    provider = models.ForeignKey(
        ProviderProfile, on_delete=models.CASCADE, related_name="quiz_attempts"
    )
    answers = models.JSONField(default=dict)
    score_percent = models.PositiveSmallIntegerField()
    passed = models.BooleanField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.score_percent}% on {self.quiz}"


class Application(models.Model):
    """A provider's vetting file: one per provider, moving through its statuses."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("In progress")
        SUBMITTED = "submitted", _("Waiting for review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    provider = models.OneToOneField(
        ProviderProfile, on_delete=models.CASCADE, related_name="application"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision_reason = models.CharField(max_length=1000, blank=True)
    # Set when the rules changed (or an approval expired) under a vetted provider.
    revetting_deadline = models.DateTimeField(null=True, blank=True)
    revetting_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "submitted_at"])]

    def __str__(self) -> str:
        return f"application of {self.provider}"


class Step(models.Model):
    """The state of one requirement within one application."""

    class Status(models.TextChoices):
        MISSING = "missing", _("Missing")
        PENDING = "pending", _("Waiting for review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="steps")
    requirement = models.ForeignKey(Requirement, on_delete=models.CASCADE, related_name="steps")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.MISSING)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=1000, blank=True)
    valid_until = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=1000, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["application", "requirement"], name="one_step_per_requirement"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.requirement}: {self.status}"


def _document_path(instance, filename: str) -> str:
    return f"vetting/{instance.step.application.provider_id}/{secrets.token_hex(12)}-{filename}"


class Document(models.Model):
    """A private file (identity card, criminal-record extract): never a public URL."""

    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField(upload_to=_document_path, storage=private_storage, max_length=300)
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)
    # Set when the step is decided: the file is deleted after the tenant's retention time.
    delete_after = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"document {self.pk}"


# Cached read of the tenant's active badges (trust/selectors.py: active_badges).
BADGES_KEY = "trust:badges"


def badges_cache_invalidate() -> None:
    invalidate(tenant_key(BADGES_KEY))


class BadgeQuerySet(models.QuerySet):
    """Bulk writes send no signals: each drops the tenant's cached badges itself."""

    def update(self, **kwargs):
        updated = super().update(**kwargs)
        badges_cache_invalidate()
        return updated

    def bulk_create(self, *args, **kwargs):
        created = super().bulk_create(*args, **kwargs)
        badges_cache_invalidate()
        return created

    def bulk_update(self, *args, **kwargs):
        updated = super().bulk_update(*args, **kwargs)
        badges_cache_invalidate()
        return updated

    def delete(self):
        deleted = super().delete()
        badges_cache_invalidate()
        return deleted


class Badge(models.Model):
    class Icon(models.TextChoices):
        SHIELD = "shield", _("Shield")
        STAR = "star", _("Star")
        CHECK = "check", _("Check mark")
        HEART = "heart", _("Heart")
        BOLT = "bolt", _("Bolt")
        MEDAL = "medal", _("Medal")

    class Rule(models.TextChoices):
        MANUAL = "manual", _("Awarded by an admin")
        VETTED = "vetted", _("Vetting approved")
        TOP_RATED = "top_rated", _("Rating at least X over at least N reviews")
        COMPLETED_JOBS = "completed_jobs", _("At least N completed jobs")

    slug = models.SlugField(max_length=60, unique=True)
    names = models.JSONField(default=dict)
    descriptions = models.JSONField(default=dict, blank=True)
    icon = models.CharField(max_length=16, choices=Icon.choices, default=Icon.SHIELD)
    colour = models.CharField(
        max_length=7,
        default="#1d4ed8",
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", "Use a colour like #1d4ed8.")],
    )
    rule = models.CharField(max_length=16, choices=Rule.choices, default=Rule.MANUAL)
    # top_rated: rating x 100; completed_jobs: jobs.
    threshold = models.PositiveIntegerField(null=True, blank=True)
    min_reviews = models.PositiveIntegerField(null=True, blank=True)
    # Empty: the badge applies to everything the provider offers.
    categories = models.ManyToManyField(Category, blank=True, related_name="badges")
    validity_days = models.PositiveIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1)]
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BadgeQuerySet.as_manager()

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.name_in()

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        badges_cache_invalidate()

    def delete(self, *args, **kwargs):
        deleted = super().delete(*args, **kwargs)
        badges_cache_invalidate()
        return deleted

    def name_in(self, language: str | None = None) -> str:
        """The name in `language` (default: the active one), falling back to the
        marketplace's default language."""
        from quartier.marketplace.selectors import localized

        return localized(self.names, language) or self.slug


class BadgeAward(models.Model):
    badge = models.ForeignKey(Badge, on_delete=models.CASCADE, related_name="awards")
    provider = models.ForeignKey(
        ProviderProfile, on_delete=models.CASCADE, related_name="badge_awards"
    )
    awarded_at = models.DateTimeField(auto_now_add=True)
    # Empty: awarded by the badge's rule.
    awarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    valid_until = models.DateTimeField(null=True, blank=True)
    expiry_warned_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoke_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-awarded_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["badge", "provider"],
                condition=Q(revoked_at__isnull=True),
                name="one_live_award_per_badge",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.badge} for {self.provider}"
