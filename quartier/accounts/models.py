from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **fields):
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **fields):
        fields.update(is_staff=True, is_superuser=True, role=User.Role.ADMIN)
        return self.create_user(email, password, **fields)

    def get_by_natural_key(self, username):
        return self.get(email=username.lower())


class User(AbstractBaseUser, PermissionsMixin):
    class Role(models.TextChoices):
        CUSTOMER = "customer", _("Customer")
        PROVIDER = "provider", _("Provider")
        ADMIN = "admin", _("Tenant admin")

    # Always stored lowercased (see UserManager and services), so unique is enough.
    email = models.EmailField(max_length=254, unique=True)
    full_name = models.CharField(max_length=150, blank=True)
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.CUSTOMER)
    preferred_language = models.CharField(max_length=8, blank=True)
    phone = models.CharField(max_length=32, blank=True)
    email_verified_at = models.DateTimeField(null=True, blank=True)
    phone_verified_at = models.DateTimeField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    # Access to Django's admin; only the operator's staff in the public schema have it.
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    def __str__(self) -> str:
        return self.full_name or self.email

    @property
    def is_tenant_admin(self) -> bool:
        return self.is_active and self.role == self.Role.ADMIN

    @property
    def is_provider(self) -> bool:
        return self.role == self.Role.PROVIDER

    @property
    def display_name(self) -> str:
        return self.full_name or self.email.split("@")[0]


class SigninFailure(models.Model):
    """A refused sign-in, kept for the admins of the schema it was tried on.

    The e-mail is the one typed (normalised), not a link to a user: most failures are
    for addresses that have no account, and the record must outlive a deleted one.
    """

    class Reason(models.TextChoices):
        UNKNOWN_ACCOUNT = "unknown_account", _("No such account")
        WRONG_PASSWORD = "wrong_password", _("Wrong password")
        INACTIVE_ACCOUNT = "inactive_account", _("Account deactivated")
        LOCKED = "locked", _("Too many failed sign-ins")

    class Channel(models.TextChoices):
        PAGE = "page", _("Sign-in page")
        API = "api", _("API")
        ADMIN = "admin", _("Operator admin")

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    email = models.CharField(max_length=254)
    address = models.GenericIPAddressField(null=True, blank=True)
    reason = models.CharField(max_length=32, choices=Reason.choices)
    channel = models.CharField(max_length=16, choices=Channel.choices)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.email} ({self.reason})"
