"""Single sign-on in the isolation matrix (tests/tenancy/matrix.py).

A's configuration (brand and client id carry the marker) must never show or act on B's
host: B's back-office page and sign-in page show B's own (none), and B's round-trip URLs
answer 404 because B has no provider.
"""

from quartier.sso.crypto import secret_encrypt
from quartier.sso.models import SsoConfiguration
from tests.tenancy.matrix import MARKER, Endpoint

# A closed port on loopback: the owner's round trip starts and fails at once with the
# translated "cannot be reached" page, without any network.
UNREACHABLE_ISSUER = "http://127.0.0.1:9"


def _configured(handle):
    SsoConfiguration.objects.update_or_create(
        singleton=True,
        defaults={
            "mode": SsoConfiguration.Mode.SSO_OR_PASSWORD,
            "issuer_url": UNREACHABLE_ISSUER,
            "client_id": MARKER,
            "client_secret_encrypted": secret_encrypt("secret"),
            "brand_name": MARKER,
        },
    )
    return {"marker": MARKER}


def _state(handle):
    with handle.context():
        return list(
            SsoConfiguration.objects.values_list(
                "mode", "issuer_url", "client_id", "client_secret_encrypted", "brand_name"
            )
        )


def _form(params):
    return {
        "mode": "password_only",
        "issuer_url": "",
        "client_id": "",
        "client_secret": "",
        "scopes": "openid email",
        "brand_name": "B",
        "claim_name": "name",
        "claim_email": "email",
    }


ENDPOINTS = [
    Endpoint("back-office/sign-in/", actor="admin", is_api=False, make=_configured, cross=200),
    Endpoint(
        "back-office/sign-in/",
        method="post",
        actor="admin",
        label="save",
        is_api=False,
        make=_configured,
        body=_form,
        ok=302,
        cross=302,  # B's admin saves B's own configuration; A's stays as it was
        state=_state,
    ),
    Endpoint(
        "back-office/sign-in/test/",
        method="post",
        actor="admin",
        is_api=False,
        make=_configured,
        body=lambda params: {"issuer_url": "ftp://refused.example"},
        ok=400,
        cross=400,
        state=_state,
    ),
    # A's button never appears on B's sign-in page.
    Endpoint(
        "accounts/login/",
        label="sso-button",
        is_api=False,
        make=_configured,
        cross=200,
    ),
    Endpoint(
        "accounts/sso/<str:provider_id>/login/",
        method="post",
        is_api=False,
        path="/accounts/sso/tenant/login/",
        make=_configured,
        ok=502,
        state=_state,
    ),
    Endpoint(
        "accounts/sso/<str:provider_id>/callback/",
        is_api=False,
        path="/accounts/sso/tenant/callback/?code=abc&state=forged",
        make=_configured,
        ok=400,
        state=_state,
    ),
]
