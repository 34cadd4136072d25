"""A slow Stripe never holds our rows: settlement calls it with no transaction open.

Committed data and two connections (this test's tenant is provisioned and purged by
the module fixture): while the capture hangs in the Stripe stand-in, another
connection updates the same booking and payment rows with a short lock_timeout.
Like tests/bookings/test_concurrency.py, it needs another database test in the same run
(pytest-django builds the test database only when a collected test asks for `db`).
"""

import threading
import time

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from quartier.accounts.services import user_create
from quartier.billing.models import Payment
from quartier.bookings.models import Booking
from quartier.platform.tenancy import public_context, tenant_context
from quartier.tenants.services import tenant_delete, tenant_provision, tenant_purge
from tests.billing.factories import add_card, complete, confirmed, go_online
from tests.bookings.factories import bookable_listing
from tests.catalog.factories import make_provider
from tests.conftest import PASSWORD


@pytest.fixture(scope="module")
def stall_tenant(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), public_context():
        tenant = tenant_provision(
            name="Stall", slug="stall", admin_email="a@stall.test", admin_password=PASSWORD
        ).tenant
    yield tenant
    with django_db_blocker.unblock(), public_context():
        tenant_purge(tenant=tenant_delete(tenant=tenant))


@pytest.fixture
def committed(django_db_blocker):
    with django_db_blocker.unblock():
        yield
        connection.set_schema_to_public()


def _fault_taken(stripe, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with stripe.state.lock:
            if all(fault.remaining == 0 for fault in stripe.state.faults):
                return
        time.sleep(0.01)
    raise AssertionError("the capture never reached the Stripe stand-in")


def test_a_stripe_timeout_during_settlement_holds_no_row_lock(stall_tenant, committed, stripe):
    # given a confirmed, authorised online booking (committed)
    with tenant_context(stall_tenant):
        go_online()
        customer = user_create(email="customer@stall.test", password=PASSWORD)
        add_card(customer)
        listing = bookable_listing(provider=make_provider(postal_code="8004"))
        booking = confirmed(listing=listing, customer=customer)
        payment = Payment.objects.get(booking=booking)
        assert payment.status == "authorised"

    # when the provider completes and the capture hangs past the client's timeout
    stripe.fail_next(f"/v1/payment_intents/{payment.stripe_payment_intent_id}/capture", "stall")
    outcome = {}

    def settle():
        try:
            with tenant_context(stall_tenant):
                complete(booking)  # the capture runs after commit, in this thread
        except Exception as error:  # asserted below
            outcome["error"] = error
        finally:
            connections.close_all()

    worker = threading.Thread(target=settle)
    worker.start()
    _fault_taken(stripe)

    # then another connection updates the same rows at once, while Stripe is still busy
    with tenant_context(stall_tenant), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '300ms'")
        assert Booking.objects.filter(pk=booking.pk).update(note="Ring twice.") == 1
        assert Payment.objects.filter(pk=payment.pk).update(updated_at=timezone.now()) == 1
        assert worker.is_alive()  # the capture had not come back yet
        # what the claim left behind: a mark that keeps the sweep away, not a lock
        assert Payment.objects.get(pk=payment.pk).in_flight_until is not None
    worker.join(timeout=30)

    # and the retry under the same idempotency key captured it, once
    assert outcome == {}
    with tenant_context(stall_tenant):
        payment.refresh_from_db()
        assert (payment.status, payment.captured_minor) == ("captured", 6000)
        assert payment.in_flight_until is None
        assert Booking.objects.get(pk=booking.pk).note == "Ring twice."
    assert (
        stripe.processed("POST", f"/v1/payment_intents/{payment.stripe_payment_intent_id}/capture")
        == 1
    )
