"""Idempotency-Key on the creating POSTs: a retry gets the first answer, never a second write."""

import json
import threading
import time
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections, transaction
from django.utils import timezone
from rest_framework.test import APIClient

from quartier.accounts.services import token_issue, user_create
from quartier.billing import gateway
from quartier.billing.models import BillingCustomer, Payment
from quartier.bookings.guard import provider_write_lock
from quartier.bookings.models import Booking, Message
from quartier.catalog.models import Offer, TaskRequest
from quartier.catalog.services.tasks import offer_create, task_request_create
from quartier.marketplace.models import IdempotencyKey
from quartier.marketplace.tasks import idempotency_keys_expire_task
from quartier.platform.money import Money
from quartier.platform.tenancy import public_context, tenant_context
from quartier.tenants.services import tenant_delete, tenant_provision, tenant_purge
from tests.billing.factories import add_card, complete, confirmed, go_online
from tests.bookings.factories import bookable_listing, confirmed_booking, next_local
from tests.catalog.factories import category, make_provider
from tests.conftest import PASSWORD, PLATFORM_HOST

KEY = "3f2b9c1e-retry-after-timeout"
REUSED = "This Idempotency-Key was already used for a different request."
INVALID = "Idempotency-Key must be 1 to 255 printable ASCII characters."
IN_PROGRESS = "A request with this Idempotency-Key is still being processed. Retry shortly."


@pytest.fixture
def listing(tenant_a):
    with tenant_a.context():
        return bookable_listing(provider=make_provider(user=tenant_a.users["provider"]))


def _post(client, path, body, *, key=KEY, format="json"):  # noqa: A002 - the client's name
    return client.post(path, body, format=format, HTTP_IDEMPOTENCY_KEY=key)


def _count(handle, model, **filters) -> int:
    with handle.context():
        return model.objects.filter(**filters).count()


def _assert_replayed(lost, retried) -> None:
    assert lost.get("Idempotent-Replayed") is None
    assert retried["Idempotent-Replayed"] == "true"
    assert (retried.status_code, retried.content) == (lost.status_code, lost.content)


def _slot(listing, hour=10) -> dict:
    return {"listing": listing.pk, "starts_at": next_local(hour).isoformat(), "note": "Ring twice"}


@pytest.mark.parametrize("kind", ["slot", "windows", "broadcast"])
def test_a_booking_retried_after_a_lost_answer_is_made_once(tenant_a, listing, kind):
    path, body = {
        "slot": ("/api/bookings/", _slot(listing)),
        "windows": (
            "/api/bookings/",
            {
                "listing": listing.pk,
                "windows": [
                    {"start": next_local(9).isoformat(), "end": next_local(12).isoformat()}
                ],
            },
        ),
        "broadcast": (
            "/api/bookings/broadcast/",
            {
                "category": listing.category_id,
                "postal_code": "8004",
                "starts_at": next_local(11).isoformat(),
            },
        ),
    }[kind]
    customer = tenant_a.client("customer")
    before = _count(tenant_a, Booking, customer=tenant_a.users["customer"])

    # given the first answer is lost on its way back to the client
    lost = _post(customer, path, body)
    # when the client sends the same request again with the same key
    retried = _post(customer, path, body)

    assert lost.status_code == 201, lost.json()
    _assert_replayed(lost, retried)
    assert _count(tenant_a, Booking, customer=tenant_a.users["customer"]) - before == 1
    with tenant_a.context():
        stored = IdempotencyKey.objects.get(user=tenant_a.users["customer"], key=KEY)
    assert (stored.response_status, json.loads(stored.response_body)) == (201, lost.json())


def test_the_same_key_for_another_request_is_refused_and_writes_nothing(tenant_a, listing):
    customer = tenant_a.client("customer")
    first = _post(customer, "/api/bookings/", _slot(listing, 10))
    bookings = _count(tenant_a, Booking, customer=tenant_a.users["customer"])

    other_time = _post(customer, "/api/bookings/", _slot(listing, 14))
    other_path = _post(
        customer,
        "/api/tasks/",
        {"category": listing.category_id, "title": "x", "postal_code": "8004"},
    )

    assert first.status_code == 201
    for refused in (other_time, other_path):
        assert (refused.status_code, refused.json()) == (
            422,
            {
                "code": "idempotency_key_reused",
                "message": REUSED,
                "fields": {"Idempotency-Key": [REUSED]},
            },
        )
    assert _count(tenant_a, Booking, customer=tenant_a.users["customer"]) == bookings
    assert _count(tenant_a, TaskRequest, customer=tenant_a.users["customer"]) == 0
    assert _count(tenant_a, IdempotencyKey) == 1


def test_the_same_json_in_another_key_order_is_the_same_request(tenant_a, listing):
    customer = tenant_a.client("customer")
    booking = _slot(listing)
    reordered = dict(reversed(list(booking.items())))

    lost = customer.post(
        "/api/bookings/",
        json.dumps(booking),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=KEY,
    )
    retried = customer.post(
        "/api/bookings/",
        json.dumps(reordered),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=KEY,
    )

    _assert_replayed(lost, retried)


@pytest.mark.parametrize("key", ["", "k" * 256, "clé-1", "tab\there", "bell\x07"])
def test_an_invalid_key_is_a_400_naming_the_header(tenant_a, listing, key):
    response = _post(tenant_a.client("customer"), "/api/bookings/", _slot(listing), key=key)

    assert (response.status_code, response.json()) == (
        400,
        {"code": "invalid", "message": INVALID, "fields": {"Idempotency-Key": [INVALID]}},
    )
    assert _count(tenant_a, Booking, listing=listing) == 0
    assert _count(tenant_a, IdempotencyKey) == 0


def test_a_key_of_255_printable_characters_is_accepted(tenant_a, listing):
    key = ("~ !" * 85)[:255]

    lost = _post(tenant_a.client("customer"), "/api/bookings/", _slot(listing), key=key)
    retried = _post(tenant_a.client("customer"), "/api/bookings/", _slot(listing), key=key)

    assert lost.status_code == 201
    _assert_replayed(lost, retried)


def test_a_refused_request_leaves_no_key_behind(tenant_a, listing):
    customer = tenant_a.client("customer")

    # 20:00 is after the provider's hours: refused, and rolled back with its key
    refused = _post(customer, "/api/bookings/", _slot(listing, 20))
    assert refused.status_code in (400, 409)
    assert _count(tenant_a, IdempotencyKey) == 0

    # so the key is free for the corrected request, which is not a "reused key"
    corrected = _post(customer, "/api/bookings/", _slot(listing, 10))
    assert corrected.status_code == 201
    assert _count(tenant_a, Booking, listing=listing) == 1


def test_a_body_refused_by_the_serializer_is_refused_alike_with_a_key(tenant_a, listing):
    with tenant_a.context():
        booking = confirmed_booking(listing=listing, customer=tenant_a.users["customer"])
    # a lone surrogate is valid JSON but no text: the key must not turn the 400 into a 500
    body = '{"body": "a\\ud800b"}'

    response = tenant_a.client("customer").post(
        f"/api/bookings/{booking.pk}/messages/",
        body,
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=KEY,
    )

    assert (response.status_code, list(response.json()["fields"])) == (400, ["body"])
    assert _count(tenant_a, Message, booking=booking) == 0
    assert _count(tenant_a, IdempotencyKey) == 0


def test_without_the_header_nothing_changes(tenant_a, listing):
    with tenant_a.context():
        booking = confirmed_booking(listing=listing, customer=tenant_a.users["customer"])
    customer = tenant_a.client("customer")

    first = customer.post(f"/api/bookings/{booking.pk}/messages/", {"body": "Hi"}, format="json")
    second = customer.post(f"/api/bookings/{booking.pk}/messages/", {"body": "Hi"}, format="json")

    assert (first.status_code, second.status_code) == (201, 201)
    assert second.get("Idempotent-Replayed") is None
    assert _count(tenant_a, Message, booking=booking) == 2
    assert _count(tenant_a, IdempotencyKey) == 0


def test_keys_belong_to_one_user_in_one_tenant(tenant_a, tenant_b, listing):
    with tenant_a.context():
        neighbour = user_create(email="neighbour@telco.test", password=PASSWORD)
        neighbour_token = token_issue(user=neighbour)
    with tenant_b.context():
        acme_listing = bookable_listing(provider=make_provider(user=tenant_b.users["provider"]))

    mine = _post(tenant_a.client("customer"), "/api/bookings/", _slot(listing, 10))
    # the key used on telco is unknown on acme, whatever the user ids there
    assert _count(tenant_b, IdempotencyKey) == 0
    neighbours = _post(tenant_a.client(token=neighbour_token), "/api/bookings/", _slot(listing, 14))
    acmes = _post(tenant_b.client("customer"), "/api/bookings/", _slot(acme_listing, 10))

    assert [r.status_code for r in (mine, neighbours, acmes)] == [201, 201, 201]
    assert neighbours.get("Idempotent-Replayed") is None
    assert acmes.get("Idempotent-Replayed") is None
    assert len({mine.json()["id"], neighbours.json()["id"]}) == 2
    assert _count(tenant_a, Booking, listing=listing) == 2
    assert _count(tenant_a, IdempotencyKey, key=KEY) == 2
    assert _count(tenant_b, IdempotencyKey, key=KEY) == 1


def test_tasks_replay(tenant_a, listing):
    body = {"category": listing.category_id, "title": "Set up my WLAN", "postal_code": "8003"}
    customer = tenant_a.client("customer")

    lost, retried = _post(customer, "/api/tasks/", body), _post(customer, "/api/tasks/", body)

    assert lost.status_code == 201, lost.json()
    _assert_replayed(lost, retried)
    assert _count(tenant_a, TaskRequest, customer=tenant_a.users["customer"]) == 1


def _task(handle):
    with handle.context():
        return task_request_create(
            customer=handle.users["customer"],
            category=category(),
            title="Set up my WLAN",
            postal_code="8003",
        )


def test_offers_replay(tenant_a):
    with tenant_a.context():
        make_provider(user=tenant_a.users["provider"], postal_code="8004")
    task = _task(tenant_a)
    body = {"price": {"amount_minor": 9000, "currency": "CHF"}, "message": "Tomorrow?"}
    provider = tenant_a.client("provider")

    lost = _post(provider, f"/api/tasks/{task.pk}/offers/", body)
    retried = _post(provider, f"/api/tasks/{task.pk}/offers/", body)

    assert lost.status_code == 201, lost.json()
    _assert_replayed(lost, retried)
    assert _count(tenant_a, Offer, task=task) == 1


def test_accepting_an_offer_replays_instead_of_meeting_its_own_booking(tenant_a):
    task = _task(tenant_a)
    with tenant_a.context():
        offer = offer_create(
            task=task,
            provider=make_provider(user=tenant_a.users["provider"], postal_code="8004"),
            price=Money(9000, "CHF"),
            proposed_start=next_local(18),
            proposed_minutes=90,
        )
    customer = tenant_a.client("customer")

    lost = _post(customer, f"/api/offers/{offer.pk}/accept/", {})
    retried = _post(customer, f"/api/offers/{offer.pk}/accept/", {})

    assert lost.status_code == 200, lost.json()
    _assert_replayed(lost, retried)
    assert _count(tenant_a, Booking, customer=tenant_a.users["customer"], kind="offer") == 1


def test_messages_with_an_attachment_replay(tenant_a, listing):
    with tenant_a.context():
        booking = confirmed_booking(listing=listing, customer=tenant_a.users["customer"])
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    path = f"/api/bookings/{booking.pk}/messages/"
    customer = tenant_a.client("customer")

    def body():
        return {"body": "invoice", "attachment": SimpleUploadedFile("a.pdf", pdf)}

    lost = _post(customer, path, body(), format="multipart")
    retried = _post(customer, path, body(), format="multipart")
    other_file = _post(
        customer,
        path,
        {"body": "invoice", "attachment": SimpleUploadedFile("a.pdf", pdf + b"\n")},
        format="multipart",
    )

    assert lost.status_code == 201, lost.json()
    _assert_replayed(lost, retried)
    assert (other_file.status_code, other_file.json()["code"]) == (422, "idempotency_key_reused")
    assert _count(tenant_a, Message, booking=booking) == 1


@pytest.mark.usefixtures("stripe")
def test_attaching_a_card_replays_without_calling_stripe_again(tenant_a, stripe):
    with tenant_a.context():
        method = gateway.call(
            "payment_methods",
            "create",
            type="card",
            card={
                "number": "4242424242424242",
                "exp_month": "12",
                "exp_year": "2030",
                "cvc": "123",
            },
        )
    attach = ("POST", f"/v1/payment_methods/{method.id}/attach")
    customer = tenant_a.client("customer")

    lost = _post(customer, "/api/billing/payment-method/", {"payment_method": method.id})
    retried = _post(customer, "/api/billing/payment-method/", {"payment_method": method.id})

    assert lost.status_code == 204
    _assert_replayed(lost, retried)
    assert stripe.processed(*attach) == 1
    with tenant_a.context():
        billing = BillingCustomer.objects.get(user=tenant_a.users["customer"])
    assert billing.default_payment_method_id == method.id


@pytest.mark.usefixtures("stripe")
def test_a_refund_replays_and_refunds_once(
    tenant_a, listing, stripe, django_capture_on_commit_callbacks
):
    customer = tenant_a.users["customer"]
    with tenant_a.context():
        go_online()
        add_card(customer)
    with tenant_a.context(), django_capture_on_commit_callbacks(execute=True):
        booking = confirmed(listing=listing, customer=customer)
    with tenant_a.context(), django_capture_on_commit_callbacks(execute=True):
        complete(booking)
    with tenant_a.context():
        payment = Payment.objects.get(booking=booking)
    assert payment.status == "captured"
    refunds = stripe.processed("POST", "/v1/refunds")
    body = {"amount": {"amount_minor": 1000, "currency": "CHF"}, "reason": "Late"}
    admin = tenant_a.client("admin")

    lost = _post(admin, f"/api/billing/payments/{payment.pk}/refund/", body)
    retried = _post(admin, f"/api/billing/payments/{payment.pk}/refund/", body)

    assert lost.status_code == 200, lost.json()
    _assert_replayed(lost, retried)
    assert stripe.processed("POST", "/v1/refunds") - refunds == 1
    with tenant_a.context():
        assert Payment.objects.get(pk=payment.pk).refunded_minor == 1000


def test_keys_expire_after_24_hours(tenant_a, listing):
    customer = tenant_a.client("customer")
    _post(customer, "/api/bookings/", _slot(listing, 10))
    with tenant_a.context():
        IdempotencyKey.objects.update(created_at=timezone.now() - timedelta(hours=24, minutes=1))

    # an expired key that the cleanup has not reached yet is free again
    reused = _post(customer, "/api/bookings/", _slot(listing, 14))

    assert (reused.status_code, reused.get("Idempotent-Replayed")) == (201, None)
    with tenant_a.context():
        fresh = IdempotencyKey.objects.get(key=KEY)
        old = IdempotencyKey.objects.create(
            user=tenant_a.users["customer"], key="old", fingerprint="0" * 64, response_status=201
        )
        IdempotencyKey.objects.filter(pk=old.pk).update(
            created_at=timezone.now() - timedelta(hours=25)
        )

    # the cleanup (fanned out per tenant by celery beat) deletes the expired keys only
    deleted = idempotency_keys_expire_task(schema_name=tenant_a.tenant.schema_name)

    assert deleted == 1
    with tenant_a.context():
        assert list(IdempotencyKey.objects.values_list("pk", flat=True)) == [fresh.pk]


IDEMPOTENT_OPERATIONS = [
    "/api/bookings/",
    "/api/bookings/broadcast/",
    "/api/bookings/{id}/messages/",
    "/api/tasks/",
    "/api/tasks/{id}/offers/",
    "/api/offers/{id}/accept/",
    "/api/billing/payment-method/",
    "/api/billing/payments/{id}/retry/",
    "/api/billing/payments/{id}/refund/",
]


def test_the_schema_documents_the_header_and_its_answers(tenant_a):
    schema = tenant_a.client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    paths = json.loads(schema.content)["paths"]

    for path in IDEMPOTENT_OPERATIONS:
        operation = paths[path]["post"]
        headers = [p["name"] for p in operation["parameters"] if p["in"] == "header"]
        assert headers == ["Idempotency-Key"], path
        assert {"409", "422"} <= set(operation["responses"]), path
        success = next(code for code in operation["responses"] if code.startswith("2"))
        assert "Idempotent-Replayed" in operation["responses"][success]["headers"], path
    assert not any(
        p["in"] == "header" for p in paths["/api/bookings/{id}/reviews/"]["post"]["parameters"]
    )


# --- races, against committed data and real connections --------------------------------


@pytest.fixture(scope="module")
def race_tenant(django_db_setup, django_db_blocker):
    """A tenant of its own: the other tests' rolled-back data is invisible to threads."""
    with django_db_blocker.unblock(), public_context():
        tenant = tenant_provision(
            name="Idem",
            slug="idem",
            admin_email="a@idem.test",
            admin_password=PASSWORD,
            language="en",
        ).tenant
    yield tenant
    with django_db_blocker.unblock(), public_context():
        tenant_purge(tenant=tenant_delete(tenant=tenant))


@pytest.fixture
def race(race_tenant, django_db_blocker):
    """A listing and a customer's client on the race tenant, committed."""
    with django_db_blocker.unblock():
        with tenant_context(race_tenant):
            listing = bookable_listing()
            customer = user_create(email=f"c{listing.pk}@idem.test", password=PASSWORD)
            token = token_issue(user=customer)
        yield listing, customer, token
        connection.set_schema_to_public()


def _client(token: str) -> APIClient:
    client = APIClient(HTTP_HOST=f"idem.{PLATFORM_HOST}")
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def _in_thread(work, results: dict, name: str) -> threading.Thread:
    def run():
        try:
            results[name] = work()
        except Exception as error:  # collected and asserted by the test
            results[name] = error
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def _wait_for_a_blocked_advisory_lock(seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
            )
            if cursor.fetchone()[0]:
                return
        time.sleep(0.02)
    raise AssertionError("the first request never reached the provider's lock")


def test_a_retry_while_the_first_request_runs_is_a_409_and_writes_nothing(race_tenant, race):
    listing, customer, token = race
    body = _slot(listing, 10)
    locked, release, results = threading.Event(), threading.Event(), {}

    # given the provider's calendar is held by someone else, the first request waits there
    # (inside its transaction, with the key claimed)
    def hold_calendar():
        with tenant_context(race_tenant), transaction.atomic():
            provider_write_lock(listing.provider_id)
            locked.set()
            release.wait(15)

    holder = _in_thread(hold_calendar, results, "holder")
    assert locked.wait(10)
    first = _in_thread(lambda: _post(_client(token), "/api/bookings/", body), results, "first")
    try:
        _wait_for_a_blocked_advisory_lock()
        # when the impatient client retries
        retry = _post(_client(token), "/api/bookings/", body)
    finally:
        release.set()
        holder.join(15)
        first.join(15)

    assert (retry.status_code, retry.json()) == (
        409,
        {"code": "idempotency_in_progress", "message": IN_PROGRESS, "fields": {}},
    )
    assert results["first"].status_code == 201, results["first"].json()
    later = _post(_client(token), "/api/bookings/", body)
    _assert_replayed(results["first"], later)
    with tenant_context(race_tenant):
        assert Booking.objects.filter(customer=customer).count() == 1
        assert IdempotencyKey.objects.filter(user=customer).count() == 1


def test_racing_requests_with_one_key_make_one_booking(race_tenant, race):
    listing, customer, token = race
    body = _slot(listing, 12)
    barrier, results = threading.Barrier(4), {}

    def attempt():
        client = _client(token)
        barrier.wait()
        return _post(client, "/api/bookings/", body)

    threads = [_in_thread(attempt, results, str(index)) for index in range(4)]
    for thread in threads:
        thread.join(30)

    responses = list(results.values())
    assert [r for r in responses if isinstance(r, Exception)] == []
    made = [r for r in responses if r.status_code == 201 and r.get("Idempotent-Replayed") is None]
    replayed = [r for r in responses if r.get("Idempotent-Replayed") == "true"]
    in_progress = [r for r in responses if r.status_code == 409]
    assert len(made) == 1
    assert len(replayed) + len(in_progress) == 3
    assert {r.json()["code"] for r in in_progress} <= {"idempotency_in_progress"}
    assert all(r.content == made[0].content for r in replayed)
    with tenant_context(race_tenant):
        assert Booking.objects.filter(customer=customer).count() == 1
