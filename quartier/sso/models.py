from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SsoConfiguration(models.Model):
    """The tenant's OpenID Connect provider; one row per schema (a singleton)."""

    class Mode(models.TextChoices):
        PASSWORD_ONLY = "password_only", _("Password only")
        SSO_OR_PASSWORD = "sso_or_password", _("Single sign-on or password")
        SSO_ONLY = "sso_only", _("Single sign-on only")

    singleton = models.BooleanField(default=True, unique=True, editable=False)
    mode = models.CharField(max_length=16, choices=Mode.choices, default=Mode.PASSWORD_ONLY)
    issuer_url = models.URLField(max_length=300, blank=True)
    client_id = models.CharField(max_length=200, blank=True)
    # Fernet token (quartier.sso.crypto); never rendered back to anyone.
    client_secret_encrypted = models.TextField(blank=True)
    scopes = models.CharField(max_length=300, default="openid email profile")
    brand_name = models.CharField(max_length=60, blank=True)
    claim_name = models.CharField(max_length=60, default="name")
    claim_email = models.CharField(max_length=60, default="email")
    claim_language = models.CharField(max_length=60, default="locale")
    claim_customer_number = models.CharField(max_length=60, blank=True)
    required_claim_name = models.CharField(max_length=60, blank=True)
    required_claim_value = models.CharField(max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(singleton=True), name="sso_singleton"),
        ]

    def __str__(self) -> str:
        return f"SSO {self.mode} {self.issuer_url}"

    @property
    def is_enabled(self) -> bool:
        return self.mode != self.Mode.PASSWORD_ONLY and bool(
            self.issuer_url and self.client_id and self.client_secret_encrypted
        )

    @property
    def is_sso_only(self) -> bool:
        return self.is_enabled and self.mode == self.Mode.SSO_ONLY

    @property
    def scope_list(self) -> list[str]:
        scopes = self.scopes.split()
        return scopes if "openid" in scopes else ["openid", *scopes]


class SsoProfile(models.Model):
    """What the provider told us about a user beyond our User's own fields."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sso_profile"
    )
    customer_number = models.CharField(max_length=100, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"SSO profile of user {self.user_id}"
