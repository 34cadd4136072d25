"""Accounts endpoints and pages in the isolation matrix (see tests/tenancy/matrix.py)."""

from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from allauth.usersessions.models import UserSession

from quartier.accounts.models import User
from quartier.accounts.services import user_activation_path
from tests.conftest import PASSWORD
from tests.tenancy.matrix import Endpoint


def _credentials(handle):
    return {"email": f"customer@{handle.slug}.test", "marker": handle.tokens["customer"]}


def _customer_name(handle):
    with handle.context():
        return User.objects.get(email=f"customer@{handle.slug}.test").full_name


def _activation_link(handle):
    with handle.context():
        user = User.objects.get(email=f"customer@{handle.slug}.test")
        return {"path": user_activation_path(user=user)}


def _email_link(handle):
    from quartier.accounts.services import email_verification_path

    with handle.context():
        user = User.objects.get(email=f"customer@{handle.slug}.test")
        return {"path": email_verification_path(user=user)}


def _verified(handle):
    with handle.context():
        return list(
            User.objects.order_by("pk").values_list("pk", "email_verified_at", "phone_verified_at")
        )


def _with_phone(handle):
    User.objects.filter(email=f"customer@{handle.slug}.test").update(phone="+41791234567")
    return {}


def _user_count(handle):
    with handle.context():
        return User.objects.count()


def _customer(handle):
    return User.objects.get(email=f"customer@{handle.slug}.test")


def _a_device(handle):
    row = UserSession.objects.create(
        user=_customer(handle),
        ip="192.0.2.7",
        user_agent=f"Browser {handle.tokens['customer']}",
        session_key=f"gone{handle.slug}{UserSession.objects.count()}",
    )
    return {"pk": row.pk, "marker": row.user_agent}


def _devices(handle):
    with handle.context():
        return sorted(UserSession.objects.values_list("pk", flat=True))


def _an_app(handle):
    user = _customer(handle)
    totp = TOTP.activate(user, generate_totp_secret())
    RecoveryCodes.activate(user)
    return {"pk": totp.instance.pk}


def _authenticators(handle):
    with handle.context():
        return sorted(Authenticator.objects.values_list("pk", "data"))


ENDPOINTS = [
    Endpoint("accounts/two-step/", is_api=False, ok=302, cross=302),
    Endpoint("accounts/two-step/", method="post", is_api=False, ok=302, cross=302),
    # B's own page: A's devices (their browsers) never show up there.
    Endpoint("account/security/", actor="customer", is_api=False, make=_a_device, cross=200),
    Endpoint("account/security/app/", actor="customer", is_api=False, cross=200),
    Endpoint("account/security/passkeys/new/", actor="customer", is_api=False, cross=200),
    Endpoint(
        "account/security/methods/<int:pk>/remove/",
        method="post",
        actor="customer",
        is_api=False,
        path="/account/security/methods/{pk}/remove/",
        make=_an_app,
        body=lambda p: {"password": PASSWORD},
        ok=302,
        state=_authenticators,
    ),
    # B's customer has no app: refused with a message; A's codes are untouched.
    Endpoint(
        "account/security/recovery-codes/",
        method="post",
        actor="customer",
        is_api=False,
        make=_an_app,
        body=lambda p: {"password": PASSWORD},
        ok=302,
        cross=302,
        state=_authenticators,
    ),
    Endpoint(
        "account/security/devices/<int:pk>/revoke/",
        method="post",
        actor="customer",
        is_api=False,
        path="/account/security/devices/{pk}/revoke/",
        make=_a_device,
        ok=302,
        state=_devices,
    ),
    Endpoint(
        "account/security/devices/revoke-others/",
        method="post",
        actor="customer",
        is_api=False,
        make=_a_device,
        ok=302,
        cross=302,
        state=_devices,
    ),
    Endpoint("", is_api=False, cross=200),
    Endpoint("accounts/login/", is_api=False, cross=200),
    Endpoint("accounts/signup/", is_api=False, cross=200),
    Endpoint("accounts/password/reset/", is_api=False, cross=200),
    Endpoint("accounts/password/reset/sent/", is_api=False, cross=200),
    # A's one-time link opens A's form (a redirect that hides the token); on B it is void.
    Endpoint(
        "accounts/password/set/<uidb64>/<token>/",
        path="{path}",
        make=_activation_link,
        is_api=False,
        ok=302,
        cross=200,
        cross_contains="invalid",
    ),
    Endpoint("accounts/logout/", method="post", actor="customer", is_api=False, ok=302, cross=302),
    Endpoint("api/schema/", cross=200),
    Endpoint("api/docs/", cross=200),
    # A's credentials sent to B's login: refused, and A's token never shows up.
    Endpoint(
        "api/auth/token/",
        method="post",
        make=_credentials,
        body=lambda p: {"email": p["email"], "password": PASSWORD},
        cross=401,
    ),
    Endpoint(
        "api/auth/token/", method="delete", actor="customer", ok=204, cross=204, label="logout"
    ),
    Endpoint(
        "api/auth/signup/",
        method="post",
        body=lambda p: {"email": "new@person.test", "password": PASSWORD},
        ok=201,
        cross=201,
        state=_user_count,
    ),
    Endpoint(
        "accounts/verify-email/<str:token>/",
        path="{path}",
        make=_email_link,
        is_api=False,
        cross=400,
        cross_contains="invalid",
        state=_verified,
    ),
    Endpoint(
        "accounts/verify-email/<str:token>/",
        method="post",
        path="{path}",
        make=_email_link,
        is_api=False,
        cross=400,
        cross_contains="invalid",
        state=_verified,
    ),
    Endpoint(
        "api/me/email/verify/", method="post", actor="customer", ok=202, cross=202, state=_verified
    ),
    Endpoint(
        "api/me/phone/verify/",
        method="post",
        actor="customer",
        make=_with_phone,
        make_other=_with_phone,
        ok=202,
        cross=202,
        state=_verified,
    ),
    Endpoint(
        "api/me/phone/confirm/",
        method="post",
        actor="customer",
        make=_with_phone,
        body=lambda p: {"code": "123456"},
        ok=400,
        cross=400,
        state=_verified,
    ),
    Endpoint(
        "api/me/",
        actor="customer",
        cross=200,
        make=lambda handle: {"marker": f"customer@{handle.slug}.test"},
    ),
    Endpoint(
        "api/me/",
        method="patch",
        actor="customer",
        label="update",
        body=lambda p: {"full_name": "Renamed"},
        cross=200,
        state=_customer_name,
    ),
]
