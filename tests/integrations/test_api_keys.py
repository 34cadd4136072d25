"""Tenant API keys: shown once, stored hashed, bound to their tenant, scoped."""

from datetime import timedelta

import pytest
from django.utils import timezone

from quartier.integrations.keys import api_key_check, api_key_create, api_key_revoke
from quartier.integrations.models import ApiKey
from quartier.integrations.scopes import ANALYTICS_READ, BOOKINGS_READ
from tests.bookings.factories import bookable_listing, confirmed_booking
from tests.catalog.factories import make_provider


def _key(handle, scopes=(BOOKINGS_READ,), **fields):
    with handle.context():
        return api_key_create(
            name="CRM", scopes=list(scopes), actor=handle.users["admin"], **fields
        )


def _bearer(handle, token):
    client = handle.client()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def test_the_page_shows_the_token_once_and_stores_only_its_hash(tenant_a):
    admin = tenant_a.session_client("admin")
    response = admin.post("/back-office/api-keys/", {"name": "Hotline", "scopes": [BOOKINGS_READ]})

    assert response.status_code == 302  # a reload does not make a second key
    html = admin.get("/back-office/api-keys/").content.decode()
    with tenant_a.context():
        key = ApiKey.objects.get(name="Hotline")
    token = html.split('<code id="new-key">')[1].split("</code>")[0]
    assert token.startswith(f"qk_{key.prefix}_")
    assert token not in key.secret_hash
    assert token not in admin.get("/back-office/api-keys/").content.decode()
    assert _bearer(tenant_a, token).get("/api/v1/bookings/").status_code == 200


def test_the_form_refuses_no_permission_and_a_past_date_with_translated_errors(tenant_a):
    admin = tenant_a.session_client("admin")
    response = admin.post(
        "/back-office/api-keys/",
        {"name": "X", "scopes": [], "expires_on": "2001-01-01"},
        HTTP_ACCEPT_LANGUAGE="de",
    )

    assert response.status_code == 400
    with tenant_a.context():
        assert not ApiKey.objects.exists()
    past = admin.post(
        "/back-office/api-keys/",
        {"name": "X", "scopes": [BOOKINGS_READ], "expires_on": "2001-01-01"},
    )
    assert past.status_code == 400
    assert "Choose a date in the future." in past.content.decode()


def test_a_key_reads_the_marketplaces_bookings(tenant_a):
    with tenant_a.context():
        listing = bookable_listing(provider=make_provider(user=tenant_a.users["provider"]))
        booking = confirmed_booking(listing=listing, customer=tenant_a.users["customer"])
    client = _bearer(tenant_a, _key(tenant_a).token)

    listed = client.get("/api/v1/bookings/")
    one = client.get(f"/api/v1/bookings/{booking.pk}/")

    assert listed.status_code == 200
    assert [row["id"] for row in listed.json()["results"]] == [booking.pk]
    assert one.json()["status"] == "confirmed"
    assert "customer" not in one.json()


def test_a_missing_scope_or_an_unscoped_route_is_403(tenant_a):
    client = _bearer(tenant_a, _key(tenant_a).token)

    assert client.get("/api/v1/analytics/").status_code == 403
    assert client.get("/api/v1/analytics/").json()["code"] == "api_key_scope"
    assert client.get("/api/me/").status_code == 403  # keys may not act as a person
    analytics = _bearer(tenant_a, _key(tenant_a, scopes=[ANALYTICS_READ]).token)
    assert analytics.get("/api/v1/analytics/").status_code == 200


def test_an_expired_or_revoked_key_is_401(tenant_a):
    expiring = _key(tenant_a, expires_at=timezone.now() + timedelta(minutes=1))
    revoked = _key(tenant_a)
    with tenant_a.context():
        api_key_revoke(key=revoked.key)
        assert api_key_check(expiring.token) is not None
        assert api_key_check(expiring.token, now=timezone.now() + timedelta(minutes=2)) is None
        ApiKey.objects.filter(pk=expiring.key.pk).update(
            expires_at=timezone.now() - timedelta(seconds=1)
        )

    for created in (expiring, revoked):
        response = _bearer(tenant_a, created.token).get("/api/v1/bookings/")
        assert response.status_code == 401
        assert response.json()["code"] == "api_key_invalid"
        assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_a_key_of_one_tenant_is_401_on_the_others_host(tenant_a, tenant_b):
    token = _key(tenant_a).token

    assert _bearer(tenant_b, token).get("/api/v1/bookings/").status_code == 401
    assert _bearer(tenant_a, token).get("/api/v1/bookings/").status_code == 200


def test_a_key_stops_working_when_its_admin_is_deactivated(tenant_a):
    token = _key(tenant_a).token
    with tenant_a.context():
        tenant_a.users["admin"].is_active = False
        tenant_a.users["admin"].save(update_fields=["is_active"])

    assert _bearer(tenant_a, token).get("/api/v1/bookings/").status_code == 401


def test_last_used_is_written_at_most_once_a_minute(tenant_a, django_assert_max_num_queries):
    created = _key(tenant_a)
    with tenant_a.context():
        now = timezone.now()
        assert api_key_check(created.token, now=now).last_used_at == now
        later = now + timedelta(seconds=30)
        assert api_key_check(created.token, now=later).last_used_at == now
        created.key.refresh_from_db()
        assert created.key.last_used_at == now
        much_later = now + timedelta(minutes=2)
        api_key_check(created.token, now=much_later)
        created.key.refresh_from_db()
        assert created.key.last_used_at == much_later


@pytest.mark.parametrize(
    "header",
    [
        "Bearer qk_",
        "Bearer qk_00000000_" + "A" * 43,
        "Bearer qk_zzzzzzzz_" + "A" * 43,
        "Bearer qk_" + "é" * 60,
        "Bearer qk_\u202e\u0000" + "A" * 50,
        "Bearer qk_" + "A" * 100_000,
        "Bearer  qk_ " + "A" * 43,
    ],
    ids=["empty", "unknown", "bad-prefix", "accents", "control", "huge", "spaces"],
)
def test_bad_authorization_headers_are_401_never_500(tenant_a, header):
    client = tenant_a.client()
    client.credentials(HTTP_AUTHORIZATION=header)

    response = client.get("/api/v1/bookings/")

    assert response.status_code == 401
    assert response.json()["code"] in ("api_key_invalid", "not_authenticated")


def test_the_token_of_an_existing_key_with_a_changed_secret_is_refused(tenant_a):
    created = _key(tenant_a)
    forged = created.token[:-1] + ("A" if created.token[-1] != "A" else "B")

    assert _bearer(tenant_a, forged).get("/api/v1/bookings/").status_code == 401


def test_revoking_on_the_page(tenant_a):
    created = _key(tenant_a)
    admin = tenant_a.session_client("admin")

    response = admin.post(f"/back-office/api-keys/{created.key.pk}/revoke/")

    assert response.status_code == 302
    assert _bearer(tenant_a, created.token).get("/api/v1/bookings/").status_code == 401


def test_customers_cannot_open_the_pages(tenant_a):
    customer = tenant_a.session_client("customer")
    assert customer.get("/back-office/api-keys/").status_code == 403
    assert customer.get("/back-office/webhooks/").status_code == 403


def test_a_key_on_the_platforms_own_host_is_401(tenant_a, client):
    token = _key(tenant_a).token

    response = client.get(
        "/api/operator/tenants/", HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Bearer {token}"
    )

    assert response.status_code == 401
