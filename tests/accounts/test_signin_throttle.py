"""Sign-in lockout (quartier.accounts.signin): the same policy on the sign-in page, the
token endpoint and the operator admin, per e-mail and per address, per tenant."""

import pytest

from quartier.accounts.models import SigninFailure, User
from quartier.accounts.services import user_create
from quartier.marketplace.services import marketplace_languages_set
from quartier.platform.tenancy import public_context
from tests.conftest import PASSWORD, PLATFORM_HOST

WRONG = "not-the-password"
LOCKED_EN = "Too many failed sign-ins. Please try again in 15 minutes."
LOCKED_DE = "Zu viele fehlgeschlagene Anmeldeversuche. Bitte versuchen Sie es in 15 Minuten erneut."
WRONG_EN = "Please enter a correct email and password."


@pytest.fixture(autouse=True)
def real_policy(settings):
    """The production limits (config/settings/base.py), which the test settings raise."""
    settings.SIGNIN_FAILURES_PER_ACCOUNT = 10
    settings.SIGNIN_FAILURES_PER_ADDRESS = 20
    settings.SIGNIN_LOCKOUT_SECONDS = 900


def _sign_in(handle, email, password, **headers):
    return handle.client().post(
        "/accounts/login/", {"username": email, "password": password}, **headers
    )


def _failures(handle):
    with handle.context():
        return list(
            SigninFailure.objects.order_by("id").values_list(
                "email", "address", "reason", "channel"
            )
        )


@pytest.mark.parametrize(
    ("headers", "message"),
    [({}, LOCKED_EN), ({"HTTP_ACCEPT_LANGUAGE": "de-CH,de;q=0.9"}, LOCKED_DE)],
    ids=["en", "de"],
)
def test_25_wrong_sign_ins_on_the_page_lock_the_account(tenant_a, headers, message):
    email = "customer@telco.test"

    statuses = [_sign_in(tenant_a, email, WRONG, **headers).status_code for _ in range(25)]
    locked = _sign_in(tenant_a, email, PASSWORD, **headers)

    # the tenth failure reaches the limit; from then on every attempt is refused
    assert statuses == [200] * 9 + [429] * 16
    assert locked.status_code == 429
    assert locked["Retry-After"] in {"899", "900"}
    assert message in locked.content.decode()
    assert locked.wsgi_request.user.is_anonymous
    assert "sessionid" not in locked.cookies
    reasons = [reason for _email, _address, reason, _channel in _failures(tenant_a)]
    assert reasons == ["wrong_password"] * 10 + ["locked"] * 16


def test_the_german_lockout_message_follows_the_tenants_language(tenant_a):
    with tenant_a.context():
        marketplace_languages_set(
            actor=tenant_a.users["admin"], default_language="de", enabled_languages=["de"]
        )
    for _ in range(10):
        _sign_in(tenant_a, "customer@telco.test", WRONG)

    response = _sign_in(tenant_a, "customer@telco.test", PASSWORD)

    assert response.status_code == 429
    assert LOCKED_DE in response.content.decode()


def test_a_wrong_password_below_the_limit_says_so_and_a_right_one_signs_in(tenant_a):
    for _ in range(9):
        response = _sign_in(tenant_a, "customer@telco.test", WRONG)
        assert response.status_code == 200
        assert WRONG_EN in response.content.decode()

    response = _sign_in(tenant_a, "customer@telco.test", PASSWORD)

    assert response.status_code == 302
    assert response.wsgi_request.user.email == "customer@telco.test"


def test_a_successful_sign_in_clears_the_accounts_failures(tenant_a):
    for _ in range(9):
        _sign_in(tenant_a, "customer@telco.test", WRONG)
    assert _sign_in(tenant_a, "customer@telco.test", PASSWORD).status_code == 302

    statuses = [_sign_in(tenant_a, "Customer@Telco.test ", WRONG).status_code for _ in range(10)]

    assert statuses == [200] * 9 + [429]


def test_the_same_email_on_another_tenant_is_unaffected(tenant_a, tenant_b):
    for handle in (tenant_a, tenant_b):
        with handle.context():
            user_create(email="both@example.ch", password=PASSWORD, role=User.Role.CUSTOMER)
    for _ in range(25):
        _sign_in(tenant_a, "both@example.ch", WRONG)
    assert _sign_in(tenant_a, "both@example.ch", PASSWORD).status_code == 429

    # same e-mail, same client address, other tenant: its own counters, nothing recorded
    response = _sign_in(tenant_b, "both@example.ch", PASSWORD)

    assert response.status_code == 302
    assert response.wsgi_request.user.email == "both@example.ch"
    assert _failures(tenant_b) == []
    assert len(_failures(tenant_a)) == 26


def test_one_address_trying_many_accounts_is_locked_and_others_are_not(tenant_a):
    attacker = {"REMOTE_ADDR": "203.0.113.7"}
    statuses = [
        _sign_in(tenant_a, f"guess{number}@telco.test", WRONG, **attacker).status_code
        for number in range(20)
    ]

    refused = _sign_in(tenant_a, "customer@telco.test", PASSWORD, **attacker)
    elsewhere = _sign_in(tenant_a, "customer@telco.test", PASSWORD, REMOTE_ADDR="198.51.100.2")

    assert statuses == [200] * 19 + [429]
    assert refused.status_code == 429
    assert elsewhere.status_code == 302
    assert _failures(tenant_a)[0] == ("guess0@telco.test", "203.0.113.7", "unknown_account", "page")
    assert _failures(tenant_a)[-1] == ("customer@telco.test", "203.0.113.7", "locked", "page")


def test_behind_a_proxy_the_forwarded_address_counts_not_a_spoofed_one(tenant_a, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for number in range(20):
        # the client writes a fresh address each time; the proxy appends the real one
        _sign_in(
            tenant_a,
            f"guess{number}@telco.test",
            WRONG,
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{number}, 203.0.113.7",
        )

    refused = _sign_in(
        tenant_a, "customer@telco.test", PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.99, 203.0.113.7"
    )
    other_client = _sign_in(
        tenant_a, "customer@telco.test", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.2"
    )

    assert refused.status_code == 429
    assert other_client.status_code == 302
    assert {address for _e, address, _r, _c in _failures(tenant_a)} == {"203.0.113.7"}


def test_the_token_endpoint_follows_the_same_policy(tenant_a):
    client = tenant_a.client()
    body = {"email": "customer@telco.test", "password": WRONG}

    statuses = [client.post("/api/auth/token/", body, format="json").status_code for _ in range(10)]
    locked = client.post(
        "/api/auth/token/", {**body, "password": PASSWORD}, format="json", HTTP_ACCEPT_LANGUAGE="de"
    )

    assert statuses == [401] * 9 + [429]
    assert locked.status_code == 429
    assert locked.json() == {"code": "signin_locked", "message": LOCKED_DE, "fields": {}}
    assert locked["Retry-After"] in {"899", "900"}
    assert "token" not in locked.json()
    assert [channel for *_rest, channel in _failures(tenant_a)] == ["api"] * 11
    # and the page refuses the same account: one counter for both
    assert _sign_in(tenant_a, "customer@telco.test", PASSWORD).status_code == 429


def test_the_operator_admin_sign_in_is_locked_too(tenant_a, client):
    with public_context():
        User.objects.create_superuser(email="ops-lock@platform.test", password=PASSWORD)
    form = {"username": "ops-lock@platform.test", "password": WRONG, "next": "/operator/"}
    for _ in range(10):
        client.post("/admin/login/", form, HTTP_HOST=PLATFORM_HOST)

    response = client.post("/admin/login/", {**form, "password": PASSWORD}, HTTP_HOST=PLATFORM_HOST)

    # the operator's sign-in is our sign-in page in the admin's dress: 429 like a tenant's
    assert response.status_code == 429
    assert LOCKED_EN in response.content.decode()
    assert response.wsgi_request.user.is_anonymous
    with public_context():
        assert list(SigninFailure.objects.order_by("id").values_list("reason", "channel")) == [
            ("wrong_password", "admin")
        ] * 10 + [("locked", "admin")]
    # the tenant's own records and counters are untouched
    assert _failures(tenant_a) == []
    assert _sign_in(tenant_a, "customer@telco.test", PASSWORD).status_code == 302


def test_failed_sign_ins_are_listed_for_admins_newest_first_page_by_page(tenant_a):
    for number in range(51):
        _sign_in(tenant_a, f"guess{number}@telco.test", WRONG, REMOTE_ADDR=f"192.0.2.{number}")
    admin = tenant_a.session_client("admin")

    first = admin.get("/back-office/sign-in-failures/")
    second = admin.get("/back-office/sign-in-failures/?page=2")
    malformed = admin.get("/back-office/sign-in-failures/?page=²")

    html = first.content.decode()
    assert first.status_code == 200
    assert html.count("<tr><td>") == 50
    assert html.index("guess50@telco.test") < html.index("guess49@telco.test")
    assert "192.0.2.50" in html
    assert "No such account" in html
    assert "Sign-in page" in html
    assert "guess0@telco.test" not in html
    assert "Page 1 of 2" in html
    assert second.status_code == 200
    assert second.content.decode().count("<tr><td>") == 1
    assert "guess0@telco.test" in second.content.decode()
    assert malformed.status_code == 200
    assert "guess50@telco.test" in malformed.content.decode()
