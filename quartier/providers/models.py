"""The provider and their facts: profile, social links, vetted, suspended, rating,
completed jobs and the badges shown. Writes go through quartier.providers.services."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from quartier.geo.fields import PointField
from quartier.platform.languages import Language


class ProviderProfile(models.Model):
    class Kind(models.TextChoices):
        PRIVATE = "private", _("Private person")
        COMPANY = "company", _("Company")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="provider_profile"
    )
    display_name = models.CharField(max_length=80)
    bio = models.TextField(max_length=4000, blank=True)
    photo = models.ImageField(upload_to="providers/", blank=True)
    skills = ArrayField(models.CharField(max_length=60), default=list, blank=True)
    languages = ArrayField(
        models.CharField(max_length=2, choices=Language.choices), default=list, blank=True
    )
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.PRIVATE)
    company_name = models.CharField(max_length=120, blank=True)
    home_postal_code = models.CharField(max_length=4)
    service_radius_km = models.PositiveSmallIntegerField(
        default=10, validators=[MinValueValidator(1), MaxValueValidator(200)]
    )
    latitude = models.FloatField(null=True)
    longitude = models.FloatField(null=True)
    location = PointField(null=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Facts other apps decide (trust: vetting, suspension, badges; bookings: completed
    # jobs, rating); each is written only by its service in quartier.providers.services.
    is_vetted = models.BooleanField(default=False)
    vetted_at = models.DateTimeField(null=True, blank=True)
    is_suspended = models.BooleanField(default=False)
    badge_slugs = ArrayField(models.SlugField(max_length=60), default=list, blank=True)
    completed_jobs = models.PositiveIntegerField(default=0)
    rating_count = models.PositiveIntegerField(default=0)
    rating_sum = models.PositiveIntegerField(default=0)
    # Bayesian average x 100 (a prior keeps one 5-star review below fifty 4.9s).
    rating_score = models.PositiveSmallIntegerField(default=0)

    class Meta:
        # The tables were created by the catalog app, which owned providers before; the
        # move was state-only (no data copied, no table renamed).
        db_table = "catalog_providerprofile"
        indexes = [
            models.Index(
                fields=["is_vetted", "is_suspended"], name="catalog_pro_is_vett_0e5324_idx"
            )
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def member_since(self):
        return self.created_at


class SocialLink(models.Model):
    class Network(models.TextChoices):
        LINKEDIN = "linkedin", "LinkedIn"
        FACEBOOK = "facebook", "Facebook"
        INSTAGRAM = "instagram", "Instagram"
        X = "x", "X"
        XING = "xing", "XING"
        WEBSITE = "website", _("Website")

    profile = models.ForeignKey(
        ProviderProfile, on_delete=models.CASCADE, related_name="social_links"
    )
    network = models.CharField(max_length=16, choices=Network.choices)
    url = models.URLField(max_length=300)

    class Meta:
        db_table = "catalog_sociallink"
        constraints = [
            models.UniqueConstraint(fields=["profile", "network"], name="one_link_per_network"),
        ]

    def __str__(self) -> str:
        return self.url
