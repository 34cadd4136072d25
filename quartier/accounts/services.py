"""Writes on accounts: sign-up, tenant admins, tokens."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from quartier.accounts.models import User
from quartier.platform.errors import ApplicationError

EMAIL_TAKEN = "email_taken"
WEAK_PASSWORD = "weak_password"  # noqa: S105  (an error code)


def _normalise_email(email: object) -> str:
    if not isinstance(email, str):
        raise ApplicationError.invalid_field("email", "Enter a valid email address.")
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError as error:
        raise ApplicationError.invalid_field("email", "Enter a valid email address.") from error
    return email


@transaction.atomic
def user_create(
    *,
    email: str,
    password: str,
    full_name: str = "",
    role: str = User.Role.CUSTOMER,
    preferred_language: str = "",
) -> User:
    """Create an account in the current schema (a tenant's, or public for operator staff)."""
    email = _normalise_email(email)
    if role not in User.Role.values:
        raise ApplicationError.invalid_field("role", "Unknown role.")
    if User.objects.filter(email=email).exists():
        raise ApplicationError.invalid_field(
            "email", "An account with this email exists.", code=EMAIL_TAKEN
        )
    candidate = User(email=email, full_name=full_name.strip()[:150])
    try:
        validate_password(password, user=candidate)
    except ValidationError as error:
        raise ApplicationError(
            WEAK_PASSWORD, "Choose a stronger password.", fields={"password": list(error.messages)}
        ) from error
    return User.objects.create_user(
        email=email,
        password=password,
        full_name=candidate.full_name,
        role=role,
        preferred_language=preferred_language,
    )


def tenant_admin_initialise(*, tenant, seed) -> None:
    """Tenant initialiser: the first admin of a newly provisioned marketplace.

    Without a password the account waits for its owner to set one through an
    activation link (user_activation_path); the operator never learns it.
    """
    User.objects.create_user(
        email=seed.admin_email,
        password=seed.admin_password,
        full_name=f"{seed.name} admin",
        role=User.Role.ADMIN,
        preferred_language=seed.language,
    )


def user_activation_path(*, user: User) -> str:
    """The path of a one-time link where `user` sets a password (activation or reset)."""
    from django.urls import reverse
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    from quartier.accounts.tokens import tenant_token_generator

    return reverse(
        "accounts:password-set",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": tenant_token_generator.make_token(user),
        },
        urlconf="quartier.platform.urls_tenant",
    )


def token_issue(*, user: User) -> str:
    """An API token for `user`, stored in the current schema (so it works on one tenant)."""
    from rest_framework.authtoken.models import Token

    token, _ = Token.objects.get_or_create(user=user)
    return token.key


def token_revoke(*, user: User) -> None:
    from rest_framework.authtoken.models import Token

    Token.objects.filter(user=user).delete()


def user_update_profile(
    *,
    user: User,
    full_name: str | None = None,
    preferred_language: str | None = None,
    phone: str | None = None,
) -> User:
    changed = []
    if full_name is not None:
        user.full_name = full_name.strip()[:150]
        changed.append("full_name")
    if preferred_language is not None:
        user.preferred_language = preferred_language
        changed.append("preferred_language")
    if phone is not None:
        user.phone = phone.strip()[:32]
        user.phone_verified_at = None
        changed.append("phone")
        changed.append("phone_verified_at")
    if changed:
        user.save(update_fields=changed)
    return user
