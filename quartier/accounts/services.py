"""Writes on accounts: sign-up, tenant admins, tokens."""

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from quartier.accounts.models import SigninFailure, User
from quartier.platform.errors import ApplicationError

EMAIL_TAKEN = "email_taken"
WEAK_PASSWORD = "weak_password"  # noqa: S105  (an error code)


def _normalise_email(email: object) -> str:
    if not isinstance(email, str):
        raise ApplicationError.invalid_field("email", gettext("Enter a valid email address."))
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError as error:
        raise ApplicationError.invalid_field(
            "email", gettext("Enter a valid email address.")
        ) from error
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
        raise ApplicationError.invalid_field("role", gettext("Unknown role."))
    if User.objects.filter(email=email).exists():
        raise ApplicationError.invalid_field(
            "email", gettext("An account with this email exists."), code=EMAIL_TAKEN
        )
    candidate = User(email=email, full_name=full_name.strip()[:150])
    try:
        validate_password(password, user=candidate)
    except ValidationError as error:
        raise ApplicationError(
            WEAK_PASSWORD,
            gettext("Choose a stronger password."),
            fields={"password": list(error.messages)},
        ) from error
    return User.objects.create_user(
        email=email,
        password=password,
        full_name=candidate.full_name,
        role=role,
        preferred_language=preferred_language,
    )


ROLE_ELIGIBILITY = {User.Role.CUSTOMER: "book", User.Role.PROVIDER: "offer"}


@transaction.atomic
def user_signup(
    *,
    email: str,
    password: str,
    full_name: str = "",
    role: str = User.Role.CUSTOMER,
    preferred_language: str = "",
    invitation_code: str = "",
) -> User:
    """Sign-up on a tenant's page or API: the tenant's eligibility rule first (a refusal
    is a 403 naming the reason), then the account; an invitation code is consumed in the
    same transaction, so a refused or failed sign-up uses none of its uses."""
    from quartier.marketplace import eligibility

    normalised = _normalise_email(email)
    if role not in User.Role.values:
        raise ApplicationError.invalid_field("role", gettext("Unknown role."))
    eligibility.admit_at_signup(
        email=normalised, role=ROLE_ELIGIBILITY.get(role, "book"), code=invitation_code
    )
    return user_create(
        email=normalised,
        password=password,
        full_name=full_name,
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
        # Reversed for a tenant's host even when called from the operator's side.
        urlconf=settings.ROOT_URLCONF,
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


EMAIL_TOKEN_MAX_AGE = 3 * 24 * 3600
PHONE_CODE_SECONDS = 10 * 60
PHONE_CODE_ATTEMPTS = 5
INVALID_TOKEN = "invalid_token"  # noqa: S105  (an error code)
INVALID_CODE = "invalid_code"


def _email_signer():
    from django.core.signing import TimestampSigner
    from django.db import connection

    # The schema in the salt: a link issued by one tenant is void on every other.
    return TimestampSigner(salt=f"quartier.accounts.email-verify:{connection.schema_name}")


def _email_digest(email: str) -> str:
    # The link names the address without showing it.
    import hashlib

    return hashlib.sha256(email.encode()).hexdigest()[:16]


def email_verification_path(*, user: User) -> str:
    from django.urls import reverse

    token = _email_signer().sign(f"{user.pk}:{_email_digest(user.email)}")
    return reverse("accounts:verify-email", kwargs={"token": token}, urlconf=settings.ROOT_URLCONF)


@transaction.atomic
def email_verification_send(*, user: User, base_url: str) -> None:
    """Queue the confirmation link (sent after commit, in the request's language)."""
    from django.conf import settings
    from django.utils import translation

    from quartier.accounts.notifications import EMAIL_VERIFICATION
    from quartier.outbox.services import outbox_enqueue

    outbox_enqueue(
        kind=EMAIL_VERIFICATION,
        payload={
            "user_id": user.pk,
            "base_url": base_url,
            "language": translation.get_language() or settings.LANGUAGE_CODE,
        },
    )


@transaction.atomic
def email_token_user(*, token: str) -> User:
    """The user an e-mail link is for; reads only (a GET of the link must not confirm)."""
    from django.core.signing import BadSignature

    try:
        value = _email_signer().unsign(token, max_age=EMAIL_TOKEN_MAX_AGE)
        user_id, digest = value.split(":", 1)
        user = User.objects.get(pk=int(user_id))
        if digest != _email_digest(user.email):  # the address changed since the link
            raise ValueError("stale link")
    except (BadSignature, ValueError, User.DoesNotExist) as error:
        raise ApplicationError(
            INVALID_TOKEN, gettext("This link is invalid or has expired.")
        ) from error
    return user


def email_verify(*, token: str) -> User:
    user = email_token_user(token=token)
    if user.email_verified_at is None:
        user.email_verified_at = timezone.now()
        user.save(update_fields=["email_verified_at"])
    return user


def _phone_key(user: User) -> str:
    return f"phone-code:{user.pk}"


@transaction.atomic
def phone_verification_send(*, user: User) -> None:
    import secrets

    from django.contrib.auth.hashers import make_password
    from django.core.cache import cache
    from django.utils.translation import gettext

    from quartier.accounts.notifications import SMS
    from quartier.outbox.services import outbox_enqueue

    if not user.phone:
        raise ApplicationError.invalid_field("phone", gettext("Add your phone number first."))
    code = f"{secrets.randbelow(1_000_000):06d}"
    cache.set(
        _phone_key(user),
        {"hash": make_password(code), "phone": user.phone, "attempts": 0},
        PHONE_CODE_SECONDS,
    )
    outbox_enqueue(
        kind=SMS,
        payload={
            "to": user.phone,
            "text": gettext("Your verification code: %(code)s") % {"code": code},
        },
    )


@transaction.atomic
def phone_verify(*, user: User, code: str) -> User:
    from django.contrib.auth.hashers import check_password
    from django.core.cache import cache

    pending = cache.get(_phone_key(user))
    if pending is None or pending["phone"] != user.phone:
        raise ApplicationError.invalid_field(
            "code", gettext("Ask for a new code."), code=INVALID_CODE
        )
    if pending["attempts"] >= PHONE_CODE_ATTEMPTS:
        cache.delete(_phone_key(user))
        raise ApplicationError.invalid_field(
            "code", gettext("Too many attempts; ask for a new code."), code=INVALID_CODE
        )
    if not check_password(str(code), pending["hash"]):
        pending["attempts"] += 1
        cache.set(_phone_key(user), pending, PHONE_CODE_SECONDS)
        raise ApplicationError.invalid_field(
            "code", gettext("This code is not right."), code=INVALID_CODE
        )
    cache.delete(_phone_key(user))
    user.phone_verified_at = timezone.now()
    user.save(update_fields=["phone_verified_at"])
    return user


SELF_DEACTIVATION = "self_deactivation"


@transaction.atomic
def user_set_active(*, actor: User, user: User, is_active: bool) -> User:
    """A tenant admin deactivates (or reactivates) an account of the marketplace.

    A deactivated user's API token is revoked and their sessions stop working (Django's
    auth backend refuses inactive users on every request); an admin cannot lock
    themselves out.
    """
    if not is_active and user.pk == actor.pk:
        raise ApplicationError.invalid_field(
            "user", gettext("You cannot deactivate your own account."), code=SELF_DEACTIVATION
        )
    if user.is_active != is_active:
        user.is_active = is_active
        user.save(update_fields=["is_active"])
    if not is_active:
        token_revoke(user=user)
    from quartier.marketplace.services import audit_record

    audit_record(
        actor=actor,
        action="user.activate" if is_active else "user.deactivate",
        subject=user,
        after={"is_active": is_active},
    )
    return user


def signin_failure_record(
    *, email: str, address: str | None, reason: str, channel: str
) -> SigninFailure:
    """Keep a refused sign-in for the admins of the current schema."""
    return SigninFailure.objects.create(
        email=email, address=address, reason=reason, channel=channel
    )
