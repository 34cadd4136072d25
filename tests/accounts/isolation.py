"""Accounts endpoints and pages in the isolation matrix (see tests/tenancy/matrix.py)."""

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


ENDPOINTS = [
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
