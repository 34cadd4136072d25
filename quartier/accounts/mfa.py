"""Two-step sign-in: an authenticator app (TOTP), passkeys (WebAuthn) and recovery codes.

allauth.mfa stores the authenticators (its Authenticator model, in each schema beside
our User) and checks codes and WebAuthn responses; this module is the policy around it:

- a password alone does not sign in a user who has an authenticator: the sign-in page
  keeps them "pending" in the session (`pending_start`) and the second step
  (`second_step_verify`) logs them in; wrong codes are counted per account and lock
  it out like wrong passwords (quartier.accounts.signin);
- a TOTP code is accepted once (allauth's replay cache, keyed per schema);
- a session that passed a second step (or enrolled one) carries SESSION_VERIFIED;
- a tenant may require its admins to use it (MarketplaceSettings.admins_require_mfa):
  `admin_mfa_missing` is what the back office and the admin API check.

allauth's functions read the request from allauth.core.context, which its
AccountMiddleware sets on every request.
"""

import json
import time

from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal import auth as totp_auth
from allauth.mfa.webauthn.internal import auth as webauthn_auth
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from quartier.accounts import signin
from quartier.accounts.errors import INVALID_CODE, MFA_REQUIRES_SELF
from quartier.accounts.models import User
from quartier.platform.errors import ApplicationError, NotFound

SESSION_VERIFIED = "quartier.mfa.verified"
SESSION_PENDING = "quartier.mfa.pending"
# Where allauth's own flows log the authentications of the session.
ALLAUTH_METHODS = "account_authentication_methods"
PENDING_SECONDS = 5 * 60
SECOND_FACTORS = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


class Methods:
    """What a user has enrolled, for the pages."""

    def __init__(self, user: User):
        rows = list(Authenticator.objects.filter(user_id=user.pk).order_by("created_at", "pk"))
        self.totp = next((a for a in rows if a.type == Authenticator.Type.TOTP), None)
        self.passkeys = [a for a in rows if a.type == Authenticator.Type.WEBAUTHN]
        self.recovery = next((a for a in rows if a.type == Authenticator.Type.RECOVERY_CODES), None)

    @property
    def enabled(self) -> bool:
        return bool(self.totp or self.passkeys)

    @property
    def recovery_left(self) -> int:
        return len(RecoveryCodes(self.recovery).get_unused_codes()) if self.recovery else 0


def has_second_factor(user) -> bool:
    return Authenticator.objects.filter(user_id=user.pk, type__in=SECOND_FACTORS).exists()


def _invalid_code() -> ApplicationError:
    return ApplicationError.invalid_field(
        "code", _("This code is not right, or it was already used."), code=INVALID_CODE
    )


# --- enrolment ------------------------------------------------------------------------


def totp_setup(request, user) -> dict:
    """The secret being enrolled (kept in the session until confirmed), its otpauth URL
    and the QR code as SVG markup."""
    from allauth.mfa.adapter import get_adapter

    secret = totp_auth.get_totp_secret()
    url = get_adapter().build_totp_url(user, secret)
    svg = get_adapter().build_totp_svg(url)
    # Inline in the page (no data: URL, no script): without the XML declaration.
    svg = svg[svg.index("<svg") :]
    return {"secret": secret, "url": url, "svg": svg}


@transaction.atomic
def totp_enrol(request, user, *, code: str) -> list[str] | None:
    """Confirms the session's secret with a code and stores it. Returns the recovery
    codes when they are new (to be shown once), else None."""
    secret = request.session.get(totp_auth.SECRET_SESSION_KEY)
    if Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.TOTP).exists():
        raise ApplicationError.invalid_field(
            "code", _("An authenticator app is already set up."), code=INVALID_CODE
        )
    code = (code or "").strip().replace(" ", "")
    if not secret or not totp_auth.validate_totp_code(secret, code):
        raise _invalid_code()
    totp = totp_auth.TOTP.activate(user, secret)
    totp._mark_code_used(code)  # the code that confirmed it cannot also sign in
    totp_auth.clear_totp_secret(request)
    request.session[SESSION_VERIFIED] = True
    return _recovery_codes_ensure(user)


def passkey_begin(user) -> dict:
    """The options for navigator.credentials.create(); the challenge stays in the session."""
    return webauthn_auth.begin_registration(user, passwordless=False)


@transaction.atomic
def passkey_enrol(request, user, *, name: str, credential: str) -> list[str] | None:
    name = (name or "").strip()[:100] or _("Passkey")
    try:
        data = json.loads(credential or "")
        webauthn_auth.parse_registration_response(data)
        webauthn_auth.complete_registration(data)
    except (ValueError, TypeError, KeyError, AttributeError, ValidationError) as error:
        raise ApplicationError.invalid_field(
            "credential",
            _("The passkey could not be added. Please try again."),
            code=INVALID_CODE,
        ) from error
    webauthn_auth.WebAuthn.add(user, name, data)
    request.session[SESSION_VERIFIED] = True
    return _recovery_codes_ensure(user)


def _recovery_codes_ensure(user) -> list[str] | None:
    if Authenticator.objects.filter(
        user_id=user.pk, type=Authenticator.Type.RECOVERY_CODES
    ).exists():
        return None
    return RecoveryCodes.activate(user).generate_codes()


@transaction.atomic
def recovery_codes_regenerate(user) -> list[str]:
    """A fresh set of recovery codes; the old ones stop working."""
    if not has_second_factor(user):
        raise ApplicationError.invalid_field(
            "password", _("Set up an authenticator app or a passkey first."), code=INVALID_CODE
        )
    Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.RECOVERY_CODES).delete()
    return RecoveryCodes.activate(user).generate_codes()


@transaction.atomic
def authenticator_remove(user, *, pk: int) -> None:
    """Removes one authenticator of this user (404 for anyone else's); the recovery
    codes go with the last second factor."""
    deleted, _rows = Authenticator.objects.filter(
        user_id=user.pk, pk=pk, type__in=SECOND_FACTORS
    ).delete()
    if not deleted:
        raise NotFound()
    if not has_second_factor(user):
        Authenticator.objects.filter(
            user_id=user.pk, type=Authenticator.Type.RECOVERY_CODES
        ).delete()


def reauthenticate(request, user, *, password: str) -> None:
    """Sensitive changes ask for the password again, through the sign-in lockout."""
    try:
        ok = signin.signin_attempt(
            request=request,
            email=user.email,
            password=password or "",
            channel=signin.SigninFailure.Channel.PAGE,
        )
    except signin.SigninLocked as locked:
        raise ApplicationError.invalid_field("password", locked.message) from locked
    if ok is None or ok.pk != user.pk:
        raise ApplicationError.invalid_field("password", _("Your password is not right."))


# --- the sign-in's second step ---------------------------------------------------------


def pending_start(request, user, *, backend: str, redirect_to: str) -> None:
    request.session[SESSION_PENDING] = {
        "user": user.pk,
        "backend": backend,
        "next": redirect_to,
        "at": time.time(),
    }


def pending_user(request) -> tuple[User, dict] | None:
    pending = request.session.get(SESSION_PENDING)
    if not pending or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None
    user = User.objects.filter(pk=pending["user"], is_active=True).first()
    return (user, pending) if user is not None else None


def pending_clear(request) -> None:
    request.session.pop(SESSION_PENDING, None)


def passkey_challenge(user) -> dict | None:
    if not Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.WEBAUTHN):
        return None
    return webauthn_auth.begin_authentication(user)


def _second_step_subjects(user) -> list:
    return [(signin._key("second-step", str(user.pk)), settings.SIGNIN_SECOND_STEP_FAILURES)]


def second_step_verify(request, user, *, code: str = "", credential: str = "") -> None:
    """Checks a TOTP code, a recovery code or a passkey response; raises on failure.

    Wrong answers count towards a lockout of the account (SigninLocked), like wrong
    passwords do.
    """
    subjects = _second_step_subjects(user)
    retry_after = signin._seconds_locked(subjects)
    if retry_after:
        raise signin.SigninLocked(retry_after=retry_after)
    if _second_step_ok(user, code=code, credential=credential):
        signin.cache.delete(subjects[0][0])
        return
    signin._count_failure(subjects)
    retry_after = signin._seconds_locked(subjects)
    if retry_after:
        raise signin.SigninLocked(retry_after=retry_after)
    raise _invalid_code()


def _second_step_ok(user, *, code: str, credential: str) -> bool:
    if credential:
        try:
            data = json.loads(credential)
            webauthn_auth.parse_authentication_response(data)
            authenticator = webauthn_auth.complete_authentication(user, data)
        except (ValueError, TypeError, KeyError, AttributeError, ValidationError):
            return False
        authenticator.record_usage()
        return True
    code = (code or "").strip().replace(" ", "").replace("-", "")
    if not code or not code.isdigit():
        return False
    for authenticator in Authenticator.objects.filter(
        user_id=user.pk, type__in=[Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES]
    ):
        if authenticator.wrap().validate_code(code):
            authenticator.record_usage()
            return True
    return False


# --- the tenant's requirement ---------------------------------------------------------


def session_verified(request) -> bool:
    """This session passed a second step: ours, or allauth's own (its login stages, e.g.
    after single sign-on, record an "mfa" authentication in the session)."""
    if request.session.get(SESSION_VERIFIED):
        return True
    methods = request.session.get(ALLAUTH_METHODS, [])
    return any(isinstance(m, dict) and m.get("method") == "mfa" for m in methods)


def admin_mfa_missing(request) -> bool:
    """A tenant admin whose marketplace requires two-step sign-in, in a session that
    has not passed one."""
    from quartier.marketplace.selectors import marketplace_settings

    user = getattr(request, "user", None)
    if getattr(request, "tenant", None) is None or not getattr(user, "is_tenant_admin", False):
        return False
    if session_verified(request):
        return False
    return marketplace_settings().admins_require_mfa


@transaction.atomic
def admin_mfa_requirement_set(request, *, required: bool) -> None:
    """Turns the tenant's requirement on or off; on only from a session that passed a
    second step itself, so an admin cannot lock themselves out."""
    from quartier.marketplace.selectors import marketplace_settings_for_update
    from quartier.marketplace.services import audit_record

    if required and not session_verified(request):
        raise ApplicationError.invalid_field(
            "admins_require_mfa",
            _(
                "Set up two-step sign-in for yourself first (and sign in with it), "
                "then require it from every administrator."
            ),
            code=MFA_REQUIRES_SELF,
        )
    row = marketplace_settings_for_update()
    before = {"admins_require_mfa": row.admins_require_mfa}
    row.admins_require_mfa = bool(required)
    row.save(update_fields=["admins_require_mfa", "updated_at"])
    audit_record(
        actor=request.user,
        action="marketplace.admin_mfa_set",
        subject=row,
        before=before,
        after={"admins_require_mfa": bool(required)},
    )


def admin_mfa_message() -> str:
    return _(
        "This marketplace requires administrators to use two-step sign-in. Set up an "
        "authenticator app or a passkey here; if you already have one, sign out and sign "
        "in again with it."
    )


def admin_mfa_redirect(request):
    """The back office's answer to an admin session without a second step."""
    from django.contrib import messages
    from django.shortcuts import redirect

    messages.warning(request, admin_mfa_message())
    return redirect("security:index")
