"""Disputes: a customer's "Report a problem", a card dispute by webhook, the admins' pages."""

import pytest
from django.utils import translation

from quartier.billing.models import Payment
from quartier.bookings.models import Booking, Dispute, DisputeNote
from quartier.bookings.services.lifecycle import booking_transition
from quartier.bookings.services.requests import booking_request_slot
from quartier.notifications.models import Notification
from tests.billing.factories import add_card, captured_payment, deliver, go_online
from tests.bookings.factories import bookable_listing, confirmed_booking, next_local
from tests.catalog.factories import make_provider


@pytest.fixture(autouse=True)
def _english_afterwards():
    yield
    translation.activate("en")


def _listing(tenant):
    return bookable_listing(provider=make_provider(user=tenant.users["provider"]), title="WLAN")


@pytest.fixture
def accepted(tenant_a) -> Booking:
    with tenant_a.context():
        booking = booking_request_slot(
            listing=_listing(tenant_a),
            customer=tenant_a.users["customer"],
            starts_at=next_local(10),
        )
        return booking_transition(
            booking=booking, action="accept", actor=tenant_a.users["provider"]
        )


def _report(client, booking, *, category="not_done", description="Nobody came.", **headers):
    return client.post(
        f"/bookings/{booking.pk}/report/",
        {"report-category": category, "report-description": description},
        **headers,
    )


def _disputes(tenant) -> list:
    with tenant.context():
        return list(Dispute.objects.values_list("booking_id", "source", "status"))


# The customer's report


def test_the_customer_reports_a_problem_and_the_admins_hear_of_it(tenant_a, accepted):
    client = tenant_a.session_client("customer")
    page = client.get(f"/bookings/{accepted.pk}/").content.decode()
    assert f'action="/bookings/{accepted.pk}/report/"' in page

    response = _report(client, accepted)

    assert response.status_code == 302
    assert _disputes(tenant_a) == [(accepted.pk, "customer", "open")]
    with tenant_a.context():
        dispute = Dispute.objects.get()
        notified = Notification.objects.get(kind="dispute_opened")
    assert notified.recipient_id == tenant_a.users["admin"].pk
    assert notified.url == f"/back-office/disputes/{dispute.pk}/"
    after = client.get(response["Location"]).content.decode()
    assert "You reported a problem on" in after
    assert f'action="/bookings/{accepted.pk}/report/"' not in after


def test_one_open_report_per_booking(tenant_a, accepted):
    client = tenant_a.session_client("customer")
    _report(client, accepted)

    again = _report(client, accepted, description="And again.")

    assert again.status_code == 409
    assert "You already reported a problem" in again.content.decode()
    assert len(_disputes(tenant_a)) == 1


def test_a_request_not_yet_accepted_cannot_be_reported(tenant_a):
    with tenant_a.context():
        booking = booking_request_slot(
            listing=_listing(tenant_a),
            customer=tenant_a.users["customer"],
            starts_at=next_local(10),
        )
    client = tenant_a.session_client("customer")

    page = client.get(f"/bookings/{booking.pk}/").content.decode()
    response = _report(client, booking)

    assert "/report/" not in page
    assert response.status_code == 409
    assert _disputes(tenant_a) == []


@pytest.mark.parametrize(
    ("category", "description", "field"),
    [("", "Nobody came.", "category"), ("bribe", "x", "category"), ("other", "  ", "description")],
)
def test_bad_report_input_is_a_form_error_and_nothing_is_saved(
    tenant_a, accepted, category, description, field
):
    response = _report(
        tenant_a.session_client("customer"), accepted, category=category, description=description
    )

    assert response.status_code == 400
    assert response.context["report_form"].errors[field]
    assert _disputes(tenant_a) == []


def test_the_report_form_and_its_errors_are_translated(tenant_a, accepted):
    client = tenant_a.session_client("customer")

    page = client.get(f"/bookings/{accepted.pk}/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    refused = _report(client, accepted, category="", HTTP_ACCEPT_LANGUAGE="de")

    assert "Signaler un problème" in page
    assert refused.context["report_form"].errors["category"] == ["Wählen Sie, was schiefging."]


def test_the_helper_cannot_report_and_another_customer_cannot_see_or_report(tenant_a, accepted):
    from quartier.accounts.models import User
    from quartier.accounts.services import user_create
    from tests.conftest import PASSWORD

    with tenant_a.context():
        stranger = user_create(
            email="stranger@telco.test", password=PASSWORD, role=User.Role.CUSTOMER
        )
    helper = tenant_a.session_client("provider")
    other = tenant_a.client()
    with tenant_a.context():
        other.force_login(stranger)

    assert "/report/" not in helper.get(f"/bookings/{accepted.pk}/").content.decode()
    assert _report(helper, accepted).status_code == 400
    assert other.get(f"/bookings/{accepted.pk}/").status_code == 404
    assert _report(other, accepted).status_code == 404
    assert _disputes(tenant_a) == []


# A card dispute from Stripe


def _dispute_event(payment, *, status="needs_response", dispute_id="dp_quartier_1"):
    return {
        "id": dispute_id,
        "object": "dispute",
        "amount": payment.captured_minor,
        "currency": payment.currency.lower(),
        "charge": "ch_unknown",
        "payment_intent": payment.stripe_payment_intent_id,
        "reason": "fraudulent",
        "status": status,
        "metadata": {},
    }


@pytest.fixture
def card_paid(tenant_a, stripe) -> Payment:
    with tenant_a.context():
        go_online()
        add_card(tenant_a.users["customer"])
        return captured_payment(listing=_listing(tenant_a), customer=tenant_a.users["customer"])


def test_a_card_dispute_from_stripe_opens_a_dispute_once(tenant_a, card_paid, client):
    from tests.billing.factories import event

    created = event(_dispute_event(card_paid), "charge.dispute.created")

    first = deliver(client, created)
    again = deliver(client, created)

    assert (first.json(), again.json()) == ({"status": "applied"}, {"status": "duplicate"})
    with tenant_a.context():
        dispute = Dispute.objects.get()
        assert Notification.objects.filter(kind="dispute_opened").count() == 1
    assert (dispute.booking_id, dispute.source, dispute.status) == (
        card_paid.booking_id,
        "card",
        "open",
    )
    assert (dispute.stripe_reason, dispute.amount_minor, dispute.currency) == (
        "fraudulent",
        card_paid.captured_minor,
        "CHF",
    )
    admin = tenant_a.session_client("admin")
    listed = admin.get("/back-office/disputes/").content.decode()
    detail = admin.get(f"/back-office/disputes/{dispute.pk}/", HTTP_ACCEPT_LANGUAGE="de")
    assert f'href="/back-office/disputes/{dispute.pk}/"' in listed
    assert "The cardholder says they did not pay" in listed
    assert "fraudulent" not in listed
    assert "Antwort bei Stripe nötig" in detail.content.decode()


def test_a_dispute_the_bank_decided_is_resolved_by_its_update(tenant_a, card_paid, client):
    from tests.billing.factories import event

    deliver(client, event(_dispute_event(card_paid), "charge.dispute.created"))
    deliver(client, event(_dispute_event(card_paid, status="lost"), "charge.dispute.closed"))

    with tenant_a.context():
        dispute = Dispute.objects.get()
    assert (dispute.status, dispute.stripe_status) == ("resolved", "lost")


def test_a_dispute_for_an_intent_stripe_does_not_know_is_ignored(tenant_a, card_paid, client):
    from tests.billing.factories import event

    unknown = _dispute_event(card_paid) | {"payment_intent": "pi_nobody_knows"}

    response = deliver(client, event(unknown, "charge.dispute.created"))

    assert response.json() == {"status": "ignored"}
    assert _disputes(tenant_a) == []


# The admins' pages


def test_an_admin_reads_notes_and_resolves_a_dispute(tenant_a, accepted):
    _report(tenant_a.session_client("customer"), accepted)
    with tenant_a.context():
        dispute = Dispute.objects.get()
    client = tenant_a.session_client("admin")

    listed = client.get("/back-office/disputes/?status=open").content.decode()
    detail = client.get(f"/back-office/disputes/{dispute.pk}/").content.decode()
    noted = client.post(f"/back-office/disputes/{dispute.pk}/notes/", {"note-body": "Called."})
    resolved = client.post(
        f"/back-office/disputes/{dispute.pk}/resolve/", {"resolve-resolution": "Refunded half."}
    )
    twice = client.post(
        f"/back-office/disputes/{dispute.pk}/resolve/", {"resolve-resolution": "Again."}
    )

    assert f'href="/back-office/disputes/{dispute.pk}/"' in listed
    assert "Nobody came." in detail
    assert (noted.status_code, resolved.status_code, twice.status_code) == (302, 302, 400)
    with tenant_a.context():
        dispute.refresh_from_db()
        assert DisputeNote.objects.get(dispute=dispute).body == "Called."
    assert (dispute.status, dispute.resolution) == ("resolved", "Refunded half.")
    assert dispute.resolved_by_id == tenant_a.users["admin"].pk
    assert "This dispute is already resolved." in twice.content.decode()
    assert (
        f'href="/back-office/disputes/{dispute.pk}/"'
        not in client.get("/back-office/disputes/?status=open").content.decode()
    )


@pytest.mark.parametrize(
    ("url", "data", "field"),
    [("notes/", {"note-body": " "}, "note_form"), ("resolve/", {}, "resolve_form")],
)
def test_empty_notes_and_resolutions_are_form_errors(tenant_a, accepted, url, data, field):
    _report(tenant_a.session_client("customer"), accepted)
    with tenant_a.context():
        dispute = Dispute.objects.get()

    response = tenant_a.session_client("admin").post(
        f"/back-office/disputes/{dispute.pk}/{url}", data
    )

    assert response.status_code == 400
    assert response.context[field].errors
    with tenant_a.context():
        dispute.refresh_from_db()
        assert (dispute.status, DisputeNote.objects.count()) == ("open", 0)


@pytest.mark.parametrize("role", ["customer", "provider"])
def test_non_admins_get_403_on_the_dispute_pages(tenant_a, accepted, role):
    _report(tenant_a.session_client("customer"), accepted)
    with tenant_a.context():
        dispute = Dispute.objects.get()
    client = tenant_a.session_client(role)

    assert client.get("/back-office/disputes/").status_code == 403
    assert client.get(f"/back-office/disputes/{dispute.pk}/").status_code == 403
    assert (
        client.post(
            f"/back-office/disputes/{dispute.pk}/resolve/", {"resolve-resolution": "Mine."}
        ).status_code
        == 403
    )
    with tenant_a.context():
        assert Dispute.objects.get().status == "open"


def test_the_dispute_links_to_the_payment_for_a_refund(tenant_a, stripe):
    with tenant_a.context():
        go_online()
        add_card(tenant_a.users["customer"])
        payment = captured_payment(listing=_listing(tenant_a), customer=tenant_a.users["customer"])
        booking = Booking.objects.get(pk=payment.booking_id)
    _report(tenant_a.session_client("customer"), booking, category="quality")
    with tenant_a.context():
        dispute = Dispute.objects.get()
    client = tenant_a.session_client("admin")

    detail = client.get(f"/back-office/disputes/{dispute.pk}/").content.decode()
    payment_page = client.get(f"/back-office/payments/{payment.pk}/").content.decode()

    assert f'href="/back-office/payments/{payment.pk}/"' in detail
    assert f'href="/back-office/disputes/{dispute.pk}/"' in payment_page


def test_a_confirmed_booking_can_be_reported_too(tenant_a):
    with tenant_a.context():
        booking = confirmed_booking(listing=_listing(tenant_a), customer=tenant_a.users["customer"])

    response = _report(tenant_a.session_client("customer"), booking)

    assert response.status_code == 302
