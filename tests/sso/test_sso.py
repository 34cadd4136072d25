"""Single sign-on through a real OpenID Connect provider (tests/oidc/provider.mjs)."""

from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.socialaccount.models import SocialAccount
from django.conf import settings
from django.test import Client

from quartier.accounts.models import User
from quartier.sso.crypto import secret_decrypt
from quartier.sso.models import SsoConfiguration, SsoProfile
from tests.oidc.fixtures import CLIENT_SECRET, provider_round_trip, sso_configure

pytestmark = pytest.mark.usefixtures("sso_settings")
CALLBACK = "/accounts/sso/tenant/callback/"


def _counts():
    return (User.objects.count(), SocialAccount.objects.count(), SsoProfile.objects.count())


def test_round_trip_signs_in_a_new_customer_with_mapped_claims(tenant_a, oidc_provider):
    # given
    with tenant_a.context():
        sso_configure(oidc_provider)
    client = Client(HTTP_HOST=tenant_a.host)
    # when
    response = provider_round_trip(client, "anna", host=tenant_a.host)
    # then
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "de"
    with tenant_a.context():
        user = User.objects.get(email="anna.sso@telco.example")
        assert (user.full_name, user.preferred_language) == ("Anna Keller", "de")
        assert user.role == User.Role.CUSTOMER
        assert user.email_verified_at is not None
        assert not user.has_usable_password()
        assert user.sso_profile.customer_number == "TC-1001"
        assert SocialAccount.objects.get(user=user).uid == "anna"
    assert int(client.session["_auth_user_id"]) == user.pk
    home = client.get("/")
    assert "Anna Keller" in home.content.decode()


def test_an_ineligible_claim_is_refused_with_a_translated_message(tenant_a, oidc_provider):
    with tenant_a.context():
        sso_configure(oidc_provider)
        before = _counts()
    client = Client(HTTP_HOST=tenant_a.host, HTTP_ACCEPT_LANGUAGE="de")
    response = provider_round_trip(client, "bruno", host=tenant_a.host)
    assert response.status_code == 403
    assert "darf diesen Marktplatz nicht nutzen" in response.content.decode()
    with tenant_a.context():
        assert _counts() == before
        assert not User.objects.filter(email="bruno.sso@telco.example").exists()
    assert "_auth_user_id" not in client.session


def test_an_unverified_email_is_not_linked_to_the_existing_account(tenant_a, oidc_provider):
    with tenant_a.context():
        sso_configure(oidc_provider)
        before = _counts()
    client = Client(HTTP_HOST=tenant_a.host)
    response = provider_round_trip(client, "carla", host=tenant_a.host)
    assert response.status_code == 409
    assert "has not confirmed that the address is yours" in response.content.decode()
    with tenant_a.context():
        assert _counts() == before
        assert User.objects.get(email="customer@telco.test").full_name == "Telco Friends Customer"
    assert "_auth_user_id" not in client.session


def test_a_verified_email_links_the_existing_account(tenant_a, oidc_provider):
    with tenant_a.context():
        sso_configure(oidc_provider)
        users_before = User.objects.count()
    client = Client(HTTP_HOST=tenant_a.host)
    response = provider_round_trip(client, "dora", host=tenant_a.host)
    assert response.status_code == 302
    customer = tenant_a.users["customer"]
    with tenant_a.context():
        assert User.objects.count() == users_before
        assert SocialAccount.objects.get(uid="dora").user_id == customer.pk
        assert SsoProfile.objects.get(user=customer).customer_number == "TC-4004"
    assert int(client.session["_auth_user_id"]) == customer.pk


def test_acme_configuration_never_applies_on_telco_host(tenant_a, tenant_b, oidc_provider):
    # given: only acme has single sign-on
    with tenant_b.context():
        sso_configure(oidc_provider, brand_name="Acme")
    telco = Client(HTTP_HOST=tenant_a.host)
    # then: telco shows no button and its round trip does not exist
    page = telco.get("/accounts/login/").content.decode()
    assert "Continue with" not in page
    assert 'name="password"' in page
    assert telco.post("/accounts/sso/tenant/login/").status_code == 404
    assert telco.get(CALLBACK + "?code=x&state=y").status_code == 404
    acme_page = Client(HTTP_HOST=tenant_b.host).get("/accounts/login/").content.decode()
    assert "Continue with Acme account" in acme_page


def test_sso_only_hides_and_refuses_the_password_forms(tenant_a, oidc_provider):
    with tenant_a.context():
        sso_configure(oidc_provider, mode="sso_only")
    client = Client(HTTP_HOST=tenant_a.host)
    page = client.get("/accounts/login/").content.decode()
    assert "Continue with Telco account" in page
    assert 'name="password"' not in page
    response = client.post("/accounts/login/", {"username": "customer@telco.test", "password": "x"})
    assert response.status_code == 403
    assert "through your provider only" in response.content.decode()
    assert "_auth_user_id" not in client.session
    with tenant_a.context():
        before = User.objects.count()
    signup = client.post("/accounts/signup/", {"email": "new@telco.test", "password": "x" * 12})
    assert signup.status_code == 403
    with tenant_a.context():
        assert User.objects.count() == before


def test_sso_or_password_shows_both(tenant_a, oidc_provider):
    with tenant_a.context():
        sso_configure(oidc_provider)
    page = Client(HTTP_HOST=tenant_a.host).get("/accounts/login/").content.decode()
    assert "Continue with Telco account" in page
    assert 'name="password"' in page


def _started(client) -> str:
    start = client.post("/accounts/sso/tenant/login/")
    assert start.status_code == 302
    return parse_qs(urlsplit(start["Location"]).query)["state"][0]


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ("code=abc&state=forged", 400, "has expired or was not started here"),
        ("code=abc", 400, "has expired or was not started here"),
        ("state={state}", 400, "answer was incomplete"),
        ("error=server_error&state={state}", 400, "did not sign you in"),
        ("error=access_denied&state={state}", 400, "You cancelled the sign-in"),
        ("code=not-a-real-code&state={state}", 502, "could not confirm your sign-in"),
    ],
    ids=[
        "wrong-state",
        "missing-state",
        "missing-code",
        "provider-error",
        "provider-cancelled",
        "token-failure",
    ],
)
def test_bad_callbacks_answer_a_clear_page_and_write_nothing(
    tenant_a, oidc_provider, query, status, message
):
    with tenant_a.context():
        sso_configure(oidc_provider)
        before = _counts()
    client = Client(HTTP_HOST=tenant_a.host)
    state = _started(client)
    response = client.get(CALLBACK + "?" + query.format(state=state))
    assert response.status_code == status
    assert message in response.content.decode()
    with tenant_a.context():
        assert _counts() == before
    assert "_auth_user_id" not in client.session


def test_bad_callback_message_is_translated(tenant_a, oidc_provider):
    with tenant_a.context():
        sso_configure(oidc_provider)
    client = Client(HTTP_HOST=tenant_a.host, HTTP_ACCEPT_LANGUAGE="fr")
    response = client.get(CALLBACK + "?code=abc&state=forged")
    assert response.status_code == 400
    assert "La connexion n’a pas fonctionné" in response.content.decode()


# The back-office page


def test_admin_saves_the_configuration_with_the_secret_encrypted(tenant_a, oidc_provider):
    client = tenant_a.session_client("admin")
    form = {
        "mode": "sso_or_password",
        "issuer_url": oidc_provider.issuer + "/",
        "client_id": "quartier-tests",
        "client_secret": CLIENT_SECRET,
        "scopes": "openid email profile",
        "brand_name": "Telco",
        "claim_name": "name",
        "claim_email": "email",
        "claim_language": "locale",
        "claim_customer_number": "customer_number",
        "required_claim_name": "",
        "required_claim_value": "",
    }
    assert client.post("/back-office/sign-in/", form).status_code == 302
    with tenant_a.context():
        configuration = SsoConfiguration.objects.get()
    assert configuration.issuer_url == oidc_provider.issuer
    assert CLIENT_SECRET not in configuration.client_secret_encrypted
    assert secret_decrypt(configuration.client_secret_encrypted) == CLIENT_SECRET
    page = client.get("/back-office/sign-in/").content.decode()
    assert CLIENT_SECRET not in page
    assert configuration.client_secret_encrypted not in page
    assert "A client secret is stored." in page
    # an empty secret keeps the stored one
    assert client.post("/back-office/sign-in/", {**form, "client_secret": ""}).status_code == 302
    with tenant_a.context():
        assert secret_decrypt(SsoConfiguration.objects.get().client_secret_encrypted) == (
            CLIENT_SECRET
        )


def test_enabling_without_a_secret_is_refused_and_nothing_saved(tenant_a):
    client = tenant_a.session_client("admin")
    response = client.post(
        "/back-office/sign-in/",
        {
            "mode": "sso_only",
            "issuer_url": "http://127.0.0.1:9/",
            "client_id": "x",
            "client_secret": "",
            "scopes": "openid",
            "claim_name": "name",
            "claim_email": "email",
        },
    )
    assert response.status_code == 400
    assert "Nothing was saved" in response.content.decode()
    with tenant_a.context():
        assert not SsoConfiguration.objects.exists()


def test_customers_cannot_open_the_page(tenant_a):
    client = tenant_a.session_client("customer")
    assert client.get("/back-office/sign-in/").status_code == 403
    assert client.post("/back-office/sign-in/", {"mode": "sso_only"}).status_code == 403


def test_test_connection_reads_the_discovery_document(tenant_a, oidc_provider):
    client = tenant_a.session_client("admin")
    response = client.post("/back-office/sign-in/test/", {"issuer_url": oidc_provider.issuer})
    assert response.status_code == 200
    assert "Connection works" in response.content.decode()
    with tenant_a.context():
        assert not SsoConfiguration.objects.exists()


def test_test_connection_refuses_a_lying_discovery_document(tenant_a, oidc_provider):
    client = tenant_a.session_client("admin")
    # The document answers for 127.0.0.1, not for "localhost".
    lying = oidc_provider.issuer.replace("127.0.0.1", "localhost")
    response = client.post("/back-office/sign-in/test/", {"issuer_url": lying})
    assert response.status_code == 400
    assert "names another issuer" in response.content.decode()


@pytest.mark.parametrize(
    "issuer", ["http://example.com", "https://127.0.0.1:8443", "https://localhost", "ftp://x"]
)
def test_private_or_plain_http_issuers_are_refused_outside_tests(tenant_a, settings, issuer):
    settings.SSO_ALLOW_PRIVATE = False
    client = tenant_a.session_client("admin")
    response = client.post("/back-office/sign-in/test/", {"issuer_url": issuer})
    assert response.status_code == 400
    body = response.content.decode()
    assert "must be an https address" in body or "not on a private or local address" in body


def test_a_disabled_account_is_not_signed_in(tenant_a, oidc_provider):
    customer = tenant_a.users["customer"]
    with tenant_a.context():
        sso_configure(oidc_provider)
        User.objects.filter(pk=customer.pk).update(is_active=False)
        before = _counts()
    client = Client(HTTP_HOST=tenant_a.host)
    response = provider_round_trip(client, "dora", host=tenant_a.host)
    assert response.status_code == 403
    assert "This account is disabled." in response.content.decode()
    with tenant_a.context():
        assert _counts() == before
    assert "_auth_user_id" not in client.session


def test_an_account_with_a_second_factor_is_sent_to_the_password_sign_in(tenant_a, oidc_provider):
    from allauth.mfa.models import Authenticator

    customer = tenant_a.users["customer"]
    with tenant_a.context():
        sso_configure(oidc_provider)
        Authenticator.objects.create(user=customer, type=Authenticator.Type.TOTP, data={})
        before = _counts()
    client = Client(HTTP_HOST=tenant_a.host)
    response = provider_round_trip(client, "dora", host=tenant_a.host)
    assert response.status_code == 403
    assert "protected by a second factor" in response.content.decode()
    with tenant_a.context():
        assert _counts() == before


def test_a_replayed_callback_is_refused_and_writes_nothing(tenant_a, oidc_provider):
    with tenant_a.context():
        sso_configure(oidc_provider)
    client = Client(HTTP_HOST=tenant_a.host)
    first = provider_round_trip(client, "anna", host=tenant_a.host)
    assert first.status_code == 302
    client.cookies.pop(settings.LANGUAGE_COOKIE_NAME)  # (the messages below in English)
    with tenant_a.context():
        before = _counts()
    # the same answer again, in the same browser and in another one
    for replaying in (client, Client(HTTP_HOST=tenant_a.host)):
        replay = replaying.get(first.callback_path)
        assert replay.status_code == 400
        assert "has expired or was not started here" in replay.content.decode()
    with tenant_a.context():
        assert _counts() == before


def test_an_id_token_from_another_issuer_is_refused(tenant_a, oidc_provider):
    # The admin entered "localhost"; the provider's discovery document and ID token
    # name 127.0.0.1. The issuer entered is pinned: the token is refused.
    with tenant_a.context():
        sso_configure(
            oidc_provider, issuer_url=oidc_provider.issuer.replace("127.0.0.1", "localhost")
        )
        before = _counts()
    client = Client(HTTP_HOST=tenant_a.host)
    response = provider_round_trip(client, "anna", host=tenant_a.host)
    assert response.status_code == 502
    assert "could not confirm your sign-in" in response.content.decode()
    with tenant_a.context():
        assert _counts() == before
    assert "_auth_user_id" not in client.session
