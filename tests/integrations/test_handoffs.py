"""Support-case hand-off: a key prefills a request, the customer sends it, the tenant
hears back by webhook with its own case id."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from quartier.bookings.models import Booking
from quartier.bookings.services.lifecycle import booking_transition
from quartier.bookings.services.requests import broadcast_accept
from quartier.integrations.keys import api_key_create
from quartier.integrations.models import Handoff
from quartier.integrations.scopes import BOOKINGS_READ, REQUESTS_WRITE
from quartier.integrations.webhooks import endpoint_create
from quartier.outbox.services import outbox_dispatch
from tests.bookings.factories import bookable_listing
from tests.catalog.factories import make_provider
from tests.integrations.receiver import Receiver
from tests.oidc.fixtures import oidc_provider_fixture, provider_round_trip, sso_configure  # noqa: F401


def _client(handle, scopes=(REQUESTS_WRITE,)):
    with handle.context():
        created = api_key_create(name="Hotline", scopes=list(scopes), actor=handle.users["admin"])
    client = handle.client()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {created.token}")
    return client


def _case(handle, **overrides):
    soon = (timezone.now() + timedelta(days=2)).replace(minute=0, second=0, microsecond=0)
    body = {
        "external_case_id": "CASE-4711",
        "category": "router-setup",
        "description": "The router blinks red since the storm.",
        "postal_code": "8004",
        "preferred_times": [soon.isoformat(), (soon + timedelta(hours=3)).isoformat()],
        "customer_email": handle.users["customer"].email,
    }
    return {**body, **overrides}


def _token(link: str) -> str:
    return link.rstrip("/").rsplit("/", 1)[1]


def test_a_key_hands_a_case_over_and_the_customer_gets_the_link(tenant_a, mailoutbox):
    response = _client(tenant_a).post("/api/v1/handoffs/", _case(tenant_a), format="json")

    assert response.status_code == 201, response.content
    link = response.json()["link"]
    assert link.startswith(f"http://{tenant_a.host}/handoffs/")
    with tenant_a.context():
        handoff = Handoff.objects.get()
        assert _token(link) not in handoff.token_hash
        outbox_dispatch()
    assert [message.to for message in mailoutbox] == [[tenant_a.users["customer"].email]]
    assert link in mailoutbox[0].body


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"postal_code": "0000"}, "postal_code"),
        ({"postal_code": "80O4"}, "postal_code"),
        ({"category": "no-such-category"}, "category"),
        ({"preferred_times": []}, "preferred_times"),
        ({"preferred_times": ["2001-01-01T10:00:00Z"]}, "preferred_times"),
        ({"customer_email": "not an address"}, "customer_email"),
        ({"external_case_id": "<script>"}, "external_case_id"),
        ({"customer_email": None}, "customer_email"),
        ({"customer_sso_subject": "sub with spaces\u202e"}, "customer_sso_subject"),
    ],
)
def test_bad_input_is_400_naming_the_field_and_saves_nothing(tenant_a, change, field):
    response = _client(tenant_a).post("/api/v1/handoffs/", _case(tenant_a, **change), format="json")

    assert response.status_code == 400
    assert field in response.json()["fields"]
    with tenant_a.context():
        assert not Handoff.objects.exists()


def test_the_same_case_twice_is_409_and_a_key_without_the_scope_403(tenant_a):
    client = _client(tenant_a)
    assert client.post("/api/v1/handoffs/", _case(tenant_a), format="json").status_code == 201

    again = client.post("/api/v1/handoffs/", _case(tenant_a), format="json")
    reader = _client(tenant_a, scopes=[BOOKINGS_READ])

    assert again.status_code == 409
    assert again.json()["code"] == "handoff_exists"
    assert reader.post("/api/v1/handoffs/", _case(tenant_a), format="json").status_code == 403


def test_only_the_customer_it_was_made_for_opens_the_link(tenant_a, tenant_b):
    link = _client(tenant_a).post("/api/v1/handoffs/", _case(tenant_a), format="json").json()
    path = f"/handoffs/{_token(link['link'])}/"

    assert tenant_a.session_client("customer").get(path).status_code == 200
    assert tenant_a.session_client("provider").get(path).status_code == 404
    assert tenant_b.session_client("customer").get(path).status_code == 404
    assert tenant_a.client().get(path).status_code == 302  # to the sign-in page
    assert tenant_a.session_client("customer").get("/handoffs/nonsense/").status_code == 404


def test_a_case_for_a_sign_on_subject_opens_for_that_account_only(tenant_a, mailoutbox):
    from allauth.socialaccount.models import SocialAccount

    case = _case(tenant_a, customer_sso_subject="telco-4711")
    del case["customer_email"]
    response = _client(tenant_a).post("/api/v1/handoffs/", case, format="json")
    assert response.status_code == 201, response.content
    path = f"/handoffs/{_token(response.json()['link'])}/"

    assert tenant_a.session_client("customer").get(path).status_code == 404
    with tenant_a.context():
        SocialAccount.objects.create(
            user=tenant_a.users["customer"], provider="telco", uid="telco-4711"
        )
        outbox_dispatch()
    assert tenant_a.session_client("customer").get(path).status_code == 200
    assert mailoutbox == []  # no address to mail: the hotline passes the link on


def test_hand_off_end_to_end_the_receiver_hears_confirmed_with_the_case_id(tenant_a, settings):
    settings.WEBHOOK_ALLOW_PRIVATE = True
    with Receiver() as receiver:
        with tenant_a.context():
            endpoint = endpoint_create(url=receiver.url, events=[])
            provider = make_provider(user=tenant_a.users["provider"])
            bookable_listing(provider=provider)
        receiver.secret = endpoint.secret
        case = _case(tenant_a)
        link = _client(tenant_a).post("/api/v1/handoffs/", case, format="json").json()["link"]
        customer = tenant_a.session_client("customer")
        path = f"/handoffs/{_token(link)}/"

        page = customer.get(path)
        offered = re.findall(r'name="starts_at" value="([^"]+)"', page.content.decode())
        sent = customer.post(
            path,
            {
                "starts_at": offered[1],
                "postal_code": "8004",
                "note": "The router blinks red since the storm.",
            },
        )

        assert "The router blinks red" in page.content.decode()
        assert sent.status_code == 302, sent.content.decode()[:2000]
        with tenant_a.context():
            booking = Booking.objects.get(pk=Handoff.objects.get().booking_id)
            booking = broadcast_accept(booking=booking, provider=provider)
            booking_transition(booking=booking, action="confirm", actor=tenant_a.users["customer"])
            outbox_dispatch()

    events = [item["data"] for item in receiver.received]
    assert [event["type"] for event in events] == [
        "booking.requested",
        "booking.accepted",
        "booking.confirmed",
    ]
    assert {event["data"]["external_case_id"] for event in events} == {"CASE-4711"}
    assert customer.get(path)["Location"] == f"/bookings/{booking.pk}/"


def test_a_case_handed_over_for_an_sso_subject_is_booked_after_signing_in_through_sso(
    tenant_a, oidc_provider, settings
):
    # given the tenant's SSO and its receiver, and a case for the provider's subject "anna"
    settings.WEBHOOK_ALLOW_PRIVATE = settings.SSO_ALLOW_PRIVATE = True  # both on 127.0.0.1
    with Receiver() as receiver:
        with tenant_a.context():
            sso_configure(oidc_provider)
            endpoint = endpoint_create(url=receiver.url, events=[])
            provider = make_provider(user=tenant_a.users["provider"])
            bookable_listing(provider=provider)
        receiver.secret = endpoint.secret
        case = _case(tenant_a, customer_sso_subject="anna")
        del case["customer_email"]
        link = _client(tenant_a).post("/api/v1/handoffs/", case, format="json").json()["link"]
        path = f"/handoffs/{_token(link)}/"
        customer = Client(HTTP_HOST=tenant_a.host)

        # when the customer opens the link, signs in through SSO and sends the request
        to_signin = customer.get(path)
        signin = customer.get(to_signin["Location"])
        assert "Continue with Telco account" in signin.content.decode()
        back = provider_round_trip(customer, "anna", host=tenant_a.host, next_path=path)
        assert (back.status_code, back["Location"]) == (302, path)
        page = customer.get(path)
        offered = re.findall(r'name="starts_at" value="([^"]+)"', page.content.decode())
        note = "The router blinks red since the storm."
        sent = customer.post(path, {"starts_at": offered[0], "postal_code": "8004", "note": note})
        assert sent.status_code == 302, sent.content.decode()[:2000]
        with tenant_a.context():
            booking = Booking.objects.get(pk=Handoff.objects.get().booking_id)
            assert booking.customer.email == "anna.sso@telco.example"
            booking = broadcast_accept(booking=booking, provider=provider)
            booking_transition(booking=booking, action="confirm", actor=booking.customer)
            outbox_dispatch()

    # then the tenant's receiver hears booking.confirmed with its case id
    confirmed = [
        item["data"] for item in receiver.received if item["data"]["type"] == "booking.confirmed"
    ]
    assert [event["data"]["external_case_id"] for event in confirmed] == ["CASE-4711"]


def test_a_time_not_offered_is_refused_beside_the_field_and_nothing_is_booked(tenant_a):
    link = _client(tenant_a).post("/api/v1/handoffs/", _case(tenant_a), format="json").json()
    path = f"/handoffs/{_token(link['link'])}/"

    response = tenant_a.session_client("customer").post(
        path, {"starts_at": "2030-01-01T10:00:00+00:00", "postal_code": "8004", "note": "x"}
    )

    assert response.status_code == 400
    assert 'id="id_starts_at-error"' in response.content.decode()
    with tenant_a.context():
        assert Handoff.objects.get().booking_id is None
        assert not Booking.objects.exists()
