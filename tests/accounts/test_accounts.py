import pytest
from django.core import mail

from quartier.accounts.models import User
from tests.conftest import PASSWORD


def test_signup_creates_an_account_and_returns_a_token(tenant_a):
    response = tenant_a.client().post(
        "/api/auth/signup/",
        {
            "email": "Neu@Example.ch",
            "password": PASSWORD,
            "full_name": "Anna Muster",
            "role": "provider",
        },
        format="json",
    )

    assert response.status_code == 201
    body = response.json()
    assert body["user"]["email"] == "neu@example.ch"
    assert body["user"]["role"] == "provider"
    me = tenant_a.client(token=body["token"]).get("/api/me/")
    assert me.json()["full_name"] == "Anna Muster"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"email": "nope", "password": PASSWORD}, "email"),
        ({"email": "customer@telco.test", "password": PASSWORD}, "email"),
        ({"email": "x@y.ch", "password": "123"}, "password"),
        ({"email": "x@y.ch", "password": PASSWORD, "role": "admin"}, "role"),
        ({"email": "x@y.ch"}, "password"),
        ({"email": "x" * 300 + "@y.ch", "password": PASSWORD}, "email"),
    ],
)
def test_signup_bad_input_is_a_400_naming_the_field(tenant_a, payload, field):
    with tenant_a.context():
        before = User.objects.count()

    response = tenant_a.client().post("/api/auth/signup/", payload, format="json")

    assert response.status_code == 400
    assert field in response.json()["fields"]
    with tenant_a.context():
        assert User.objects.count() == before


def test_the_same_email_can_sign_up_on_two_tenants_independently(tenant_a, tenant_b):
    for handle in (tenant_a, tenant_b):
        response = handle.client().post(
            "/api/auth/signup/", {"email": "both@example.ch", "password": PASSWORD}, format="json"
        )
        assert response.status_code == 201
    with tenant_a.context():
        user_a = User.objects.get(email="both@example.ch")
        user_a.set_password("another-long-password")
        user_a.save()
    login_b = tenant_b.client().post(
        "/api/auth/token/", {"email": "both@example.ch", "password": PASSWORD}, format="json"
    )
    assert login_b.status_code == 200


def test_wrong_credentials_are_a_401(tenant_a):
    response = tenant_a.client().post(
        "/api/auth/token/",
        {"email": "customer@telco.test", "password": "wrong-password"},
        format="json",
    )

    assert response.status_code == 401
    assert response.json() == {
        "code": "invalid_credentials",
        "message": "Wrong email or password.",
        "fields": {},
    }


def test_profile_update_validates_fields(tenant_a):
    client = tenant_a.client("customer")

    bad = client.patch("/api/me/", {"phone": "call me maybe"}, format="json")
    good = client.patch(
        "/api/me/", {"phone": "+41 44 123 45 67", "preferred_language": "fr"}, format="json"
    )

    assert bad.status_code == 400
    assert list(bad.json()["fields"]) == ["phone"]
    assert good.status_code == 200
    assert (good.json()["phone"], good.json()["preferred_language"]) == ("+41 44 123 45 67", "fr")


def test_password_reset_mails_only_users_of_the_tenant(tenant_a, tenant_b, client):
    client.post(
        "/accounts/password/reset/", {"email": "customer@telco.test"}, HTTP_HOST=tenant_b.host
    )
    assert mail.outbox == []

    response = client.post(
        "/accounts/password/reset/", {"email": "customer@telco.test"}, HTTP_HOST=tenant_a.host
    )

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "http://telco.localhost/accounts/password/set/" in mail.outbox[0].body
