"""Two-step sign-in (quartier.accounts.mfa): enrolment pages, the sign-in's second step,
replay and lockout, recovery codes, the tenant's requirement for admins, the operator,
and the signed-in devices."""

import re
import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from allauth.usersessions.models import UserSession
from rest_framework.test import APIClient

from quartier.accounts.models import User
from quartier.marketplace.models import MarketplaceSettings
from quartier.platform.tenancy import public_context
from tests.conftest import PASSWORD, PLATFORM_HOST

LOCKED_EN = "Too many failed sign-ins. Please try again in 15 minutes."
WRONG_CODE = "This code is not right, or it was already used."
REQUIRED = "This marketplace requires administrators to use two-step sign-in."


def _code(secret: str, offset: int = 0) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30 + offset))


def _with_totp(handle, role="admin") -> str:
    secret = generate_totp_secret()
    with handle.context():
        TOTP.activate(handle.users[role], secret)
        RecoveryCodes.activate(handle.users[role])
    return secret


def _password_step(handle, role="admin", client=None, **extra):
    client = client or handle.client()
    response = client.post(
        "/accounts/login/",
        {"username": handle.users[role].email, "password": PASSWORD, **extra},
        HTTP_USER_AGENT="TestBrowser/1.0",
    )
    return client, response


def _authenticated(client, handle) -> bool:
    return client.get("/api/me/").status_code == 200


def test_an_admin_enrols_an_authenticator_app_and_sees_recovery_codes_once(tenant_a):
    admin = tenant_a.session_client("admin")

    page = admin.get("/account/security/app/")
    secret = re.search(r"data-totp-secret>([A-Z2-7]+)<", page.content.decode()).group(1)
    assert "<svg" in page.content.decode()
    wrong = admin.post("/account/security/app/", {"code": "000000"})
    done = admin.post("/account/security/app/", {"code": _code(secret)})
    first = admin.get("/account/security/").content.decode()
    second = admin.get("/account/security/").content.decode()

    assert page.status_code == 200
    assert wrong.status_code == 400
    assert WRONG_CODE in wrong.content.decode()
    assert done.status_code == 302
    assert done["Location"] == "/account/security/"
    assert len(re.findall(r"<li><code>\d{8}</code></li>", first)) == 10
    assert "<code>" not in second
    assert "10 unused recovery codes left." in second
    with tenant_a.context():
        types = set(
            Authenticator.objects.filter(user=tenant_a.users["admin"]).values_list(
                "type", flat=True
            )
        )
    assert types == {"totp", "recovery_codes"}


def test_with_an_app_the_password_alone_does_not_sign_in_and_the_code_does(tenant_a):
    secret = _with_totp(tenant_a)

    client, response = _password_step(tenant_a, next="/back-office/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/two-step/"
    assert not _authenticated(client, tenant_a)
    page = client.get("/accounts/two-step/")
    assert page.status_code == 200
    assert "authenticator app" in page.content.decode()
    done = client.post("/accounts/two-step/", {"code": _code(secret)})
    assert done.status_code == 302
    assert done["Location"] == "/back-office/"
    assert _authenticated(client, tenant_a)
    assert client.get("/back-office/").status_code == 200


def test_a_used_code_is_refused_the_second_time(tenant_a):
    secret = _with_totp(tenant_a)
    code = _code(secret)
    first, _response = _password_step(tenant_a)
    assert first.post("/accounts/two-step/", {"code": code}).status_code == 302

    second, _response = _password_step(tenant_a)
    replay = second.post("/accounts/two-step/", {"code": code})

    assert replay.status_code == 400
    assert WRONG_CODE in replay.content.decode()
    assert not _authenticated(second, tenant_a)


def test_wrong_codes_lock_the_account_even_for_the_right_one(tenant_a, settings):
    settings.SIGNIN_SECOND_STEP_FAILURES = 5
    settings.SIGNIN_LOCKOUT_SECONDS = 900
    secret = _with_totp(tenant_a)
    client, _response = _password_step(tenant_a)

    statuses = [
        client.post("/accounts/two-step/", {"code": "123456"}).status_code for _ in range(6)
    ]
    locked = client.post("/accounts/two-step/", {"code": _code(secret)})

    assert statuses == [400] * 4 + [429] * 2
    assert locked.status_code == 429
    assert LOCKED_EN in locked.content.decode()
    assert not _authenticated(client, tenant_a)


def test_a_recovery_code_signs_in_once(tenant_a):
    _with_totp(tenant_a)
    with tenant_a.context():
        code = RecoveryCodes(
            Authenticator.objects.get(
                user=tenant_a.users["admin"], type=Authenticator.Type.RECOVERY_CODES
            )
        ).generate_codes()[0]

    first, _response = _password_step(tenant_a)
    assert first.post("/accounts/two-step/", {"code": code}).status_code == 302
    second, _response = _password_step(tenant_a)

    assert second.post("/accounts/two-step/", {"code": code}).status_code == 400


def test_the_second_step_without_a_password_step_goes_back_to_sign_in(tenant_a):
    response = tenant_a.client().get("/accounts/two-step/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"


def test_a_broken_passkey_answer_is_refused_and_adds_nothing(tenant_a):
    admin = tenant_a.session_client("admin")
    assert admin.get("/account/security/passkeys/new/").status_code == 200

    response = admin.post(
        "/account/security/passkeys/new/", {"name": "Laptop", "credential": '{"id": 1}'}
    )

    assert response.status_code == 400
    assert "The passkey could not be added." in response.content.decode()
    with tenant_a.context():
        assert not Authenticator.objects.filter(user=tenant_a.users["admin"]).exists()


def test_removing_an_app_needs_the_password_and_takes_the_recovery_codes(tenant_a):
    _with_totp(tenant_a)
    admin = tenant_a.session_client("admin")
    with tenant_a.context():
        totp = Authenticator.objects.get(user=tenant_a.users["admin"], type="totp")
    url = f"/account/security/methods/{totp.pk}/remove/"

    refused = admin.post(url, {"password": "not-the-password"}, follow=True)
    with tenant_a.context():
        kept = Authenticator.objects.filter(user=tenant_a.users["admin"]).count()
    removed = admin.post(url, {"password": PASSWORD}, follow=True)

    assert "Your password is not right." in refused.content.decode()
    assert kept == 2
    assert "The sign-in method is removed." in removed.content.decode()
    with tenant_a.context():
        assert not Authenticator.objects.filter(user=tenant_a.users["admin"]).exists()


def test_another_users_authenticator_cannot_be_removed(tenant_a):
    _with_totp(tenant_a, role="customer")
    with tenant_a.context():
        theirs = Authenticator.objects.get(user=tenant_a.users["customer"], type="totp")

    response = tenant_a.session_client("admin").post(
        f"/account/security/methods/{theirs.pk}/remove/", {"password": PASSWORD}
    )

    assert response.status_code == 404
    with tenant_a.context():
        assert Authenticator.objects.filter(pk=theirs.pk).exists()


def _require_mfa(handle, required=True):
    with handle.context():
        MarketplaceSettings.objects.update(admins_require_mfa=required)


def test_an_enforcing_tenant_refuses_admin_pages_and_api_without_a_second_step(tenant_a):
    _require_mfa(tenant_a)
    admin = tenant_a.session_client("admin")

    page = admin.get("/back-office/")
    keys = admin.get("/back-office/api-keys/")
    security = admin.get("/account/security/")

    assert page.status_code == 302
    assert page["Location"] == "/account/security/"
    assert keys.status_code == 302
    assert REQUIRED in security.content.decode()
    # the customer side of the marketplace stays open to them
    assert admin.get("/").status_code == 200


def test_an_enforcing_tenant_refuses_the_admin_api_in_a_session_not_by_token(tenant_a):
    _require_mfa(tenant_a)
    session = tenant_a.session_client("admin")
    url = "/api/billing/ledger/"

    in_session = session.get(url)
    by_token = tenant_a.client("admin").get(url)

    assert in_session.status_code == 403
    assert in_session.json()["code"] == "mfa_required"
    assert by_token.status_code == 200


def test_after_the_second_step_an_enforcing_tenant_opens_the_back_office(tenant_a):
    _require_mfa(tenant_a)
    secret = _with_totp(tenant_a)
    client, _response = _password_step(tenant_a)
    client.post("/accounts/two-step/", {"code": _code(secret)})

    assert client.get("/back-office/").status_code == 200
    assert client.get("/api/billing/ledger/").status_code == 200


def test_the_requirement_is_turned_on_only_from_a_session_that_passed_a_second_step(
    tenant_a,
):
    plain = tenant_a.session_client("admin")
    refused = plain.post("/back-office/security/", {"admins_require_mfa": "on"})
    secret = _with_totp(tenant_a)
    client, _response = _password_step(tenant_a)
    client.post("/accounts/two-step/", {"code": _code(secret)})
    saved = client.post("/back-office/security/", {"admins_require_mfa": "on"}, follow=True)

    assert refused.status_code == 400
    assert "Set up two-step sign-in for yourself first" in refused.content.decode()
    assert "The two-step sign-in setting is saved." in saved.content.decode()
    with tenant_a.context():
        assert MarketplaceSettings.objects.get().admins_require_mfa


def test_the_requirement_of_one_tenant_does_not_apply_on_another(tenant_a, tenant_b):
    _require_mfa(tenant_a)

    assert tenant_b.session_client("admin").get("/back-office/").status_code == 200


def test_the_operator_signs_in_with_an_authenticator_app(tenant_a):
    secret = generate_totp_secret()
    with public_context():
        operator = User.objects.create_superuser(email="ops-mfa@platform.test", password=PASSWORD)
        TOTP.activate(operator, secret)
    client = APIClient(HTTP_HOST=PLATFORM_HOST)

    response = client.post(
        "/admin/login/",
        {"username": "ops-mfa@platform.test", "password": PASSWORD, "next": "/operator/"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/two-step/"
    assert client.get("/operator/").status_code == 302  # not signed in yet
    done = client.post("/accounts/two-step/", {"code": _code(secret)})

    assert done["Location"] == "/operator/"
    assert client.get("/operator/").status_code == 200
    assert client.get("/account/security/").status_code == 200


def test_devices_are_listed_and_another_one_is_signed_out(tenant_a):
    phone, _response = _password_step(tenant_a, role="customer")
    laptop, _response = _password_step(tenant_a, role="customer")

    page = laptop.get("/account/security/").content.decode()
    with tenant_a.context():
        rows = list(UserSession.objects.filter(user=tenant_a.users["customer"]))
    phone_row = next(r for r in rows if r.session_key == phone.cookies["sessionid"].value)
    revoked = laptop.post(f"/account/security/devices/{phone_row.pk}/revoke/")

    assert page.count("data-device") == 2
    assert "(this device)" in page
    assert "TestBrowser/1.0" in page
    assert "127.0.0.1" in page
    assert revoked.status_code == 302
    assert not _authenticated(phone, tenant_a)
    assert _authenticated(laptop, tenant_a)


def test_every_other_device_is_signed_out_at_once(tenant_a):
    others = [_password_step(tenant_a, role="customer")[0] for _ in range(2)]
    me, _response = _password_step(tenant_a, role="customer")

    response = me.post("/account/security/devices/revoke-others/", follow=True)

    assert "Every other device is signed out (2)." in response.content.decode()
    assert [_authenticated(other, tenant_a) for other in others] == [False, False]
    assert _authenticated(me, tenant_a)


def test_another_users_device_cannot_be_revoked(tenant_a):
    theirs, _response = _password_step(tenant_a, role="customer")
    with tenant_a.context():
        row = UserSession.objects.get(user=tenant_a.users["customer"])

    response = tenant_a.session_client("provider").post(
        f"/account/security/devices/{row.pk}/revoke/"
    )

    assert response.status_code == 404
    assert _authenticated(theirs, tenant_a)


@pytest.mark.parametrize(
    ("language", "title"),
    [
        ("de", "Anmeldung in zwei Schritten"),
        ("fr", "Connexion en deux étapes"),
        ("it", "Accesso in due passaggi"),
    ],
)
def test_the_second_step_speaks_the_visitors_language(tenant_a, language, title):
    _with_totp(tenant_a)
    client, _response = _password_step(tenant_a)

    page = client.get("/accounts/two-step/", HTTP_ACCEPT_LANGUAGE=language).content.decode()

    assert f"<h1>{title}</h1>" in page
    assert "Two-step sign-in" not in page


def test_the_token_endpoint_wants_the_code_from_an_account_with_two_step_sign_in(tenant_a):
    secret = _with_totp(tenant_a)
    body = {"email": tenant_a.users["admin"].email, "password": PASSWORD}
    client = tenant_a.client()

    without = client.post("/api/auth/token/", body, format="json")
    wrong = client.post("/api/auth/token/", {**body, "code": "000000"}, format="json")
    right = client.post("/api/auth/token/", {**body, "code": _code(secret)}, format="json")

    assert without.status_code == 401
    assert without.json()["code"] == "mfa_required"
    assert "code" in without.json()["fields"]
    assert wrong.status_code == 400
    assert wrong.json()["fields"] == {"code": [WRONG_CODE]}
    assert right.status_code == 200
    assert right.json()["token"]


def test_the_secret_is_stored_encrypted_and_the_app_shows_the_marketplaces_name(tenant_a):
    admin = tenant_a.session_client("admin")
    page = admin.get("/account/security/app/").content.decode()
    secret = re.search(r"data-totp-secret>([A-Z2-7]+)<", page).group(1)
    admin.post("/account/security/app/", {"code": _code(secret)})

    with tenant_a.context():
        stored = Authenticator.objects.get(user=tenant_a.users["admin"], type="totp").data
        from quartier.accounts.mfa_adapter import QuartierMFAAdapter

        assert secret not in str(stored)
        assert QuartierMFAAdapter().decrypt(stored["secret"]) == secret
        assert QuartierMFAAdapter().get_totp_issuer() == "Telco Friends"
    qr = page.split('<div class="q-qr"', 1)[1].split("</div>", 1)[0]
    assert qr.count("<svg") == 1  # the QR code inline, as one SVG
    assert "<?xml" not in page


BAD_CREDENTIALS = [
    "not json",
    "[]",
    "null",
    '"text"',
    '{"id": "x", "rawId": "x", "type": "public-key", "response": {}}',
    '{"response": {"clientDataJSON": "!!", "attestationObject": "!!"}}',
    '{"response": {"userHandle": 5, "clientDataJSON": "e30", "authenticatorData": "AA"}}',
]


@pytest.mark.parametrize("credential", BAD_CREDENTIALS)
def test_a_malformed_passkey_answer_is_a_400_everywhere(tenant_a, credential):
    admin = tenant_a.session_client("admin")
    admin.get("/account/security/passkeys/new/")
    added = admin.post("/account/security/passkeys/new/", {"credential": credential})
    _with_totp(tenant_a)
    client, _response = _password_step(tenant_a)
    client.get("/accounts/two-step/")
    second = client.post("/accounts/two-step/", {"credential": credential})

    assert added.status_code == 400
    assert second.status_code == 400
    assert WRONG_CODE in second.content.decode()


def test_a_second_step_recorded_by_allauths_own_flow_counts_too(tenant_a):
    """A sign-in through allauth's stages (single sign-on, say) that passed its MFA."""
    _require_mfa(tenant_a)
    admin = tenant_a.session_client("admin")
    with tenant_a.context():  # the session lives in the tenant's schema
        session = admin.session
        session["account_authentication_methods"] = [{"method": "mfa", "at": time.time()}]
        session.save()

    assert admin.get("/back-office/").status_code == 200
