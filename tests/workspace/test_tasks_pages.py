"""The helper's tasks, offers, urgent requests, dashboard and earnings pages, and the
customer's choice of a time when an offer came without one."""

from datetime import timedelta

import pytest
from django.utils import timezone

from quartier.billing import ledger
from quartier.bookings.models import Booking, BroadcastInvite
from quartier.bookings.services.requests import booking_broadcast
from quartier.catalog.models import Offer, TaskRequest
from quartier.catalog.services.tasks import offer_create, task_request_create
from quartier.platform.money import Money
from tests.bookings.factories import bookable_listing, completed_booking, next_local
from tests.catalog.factories import category, make_listing, make_provider


@pytest.fixture
def helper(tenant_a):
    """Tenant A's provider, vetted, living in 8004 and serving 10 km."""
    with tenant_a.context():
        return make_provider(user=tenant_a.users["provider"], display_name="Lea M.")


def _task(handle, *, title="Set up my WLAN", postal_code="8003", slug="router-setup"):
    with handle.context():
        return task_request_create(
            customer=handle.users["customer"],
            category=category(slug),
            title=title,
            postal_code=postal_code,
            budget=Money(9000, "CHF"),
        )


def _offers(handle):
    with handle.context():
        return list(Offer.objects.values_list("provider__display_name", "price_amount_minor"))


# --- tasks near me ---


def test_the_board_lists_open_tasks_in_the_area_nearest_first(tenant_a, helper):
    near = _task(tenant_a, title="Router in 8004", postal_code="8004")
    farther = _task(tenant_a, title="Router in 8003")
    _task(tenant_a, title="Far away in Bern", postal_code="3011")
    with tenant_a.context():
        TaskRequest.objects.create(
            customer=tenant_a.users["customer"],
            category=category(),
            title="Already assigned",
            postal_code="8004",
            status=TaskRequest.Status.ASSIGNED,
            location=near.location,
        )

    page = tenant_a.session_client("provider").get("/workspace/tasks/").content.decode()

    assert page.index("Router in 8004") < page.index("Router in 8003")
    assert "Far away in Bern" not in page
    assert "Already assigned" not in page
    assert "2 open tasks within 10 km" in page
    assert f'href="/workspace/tasks/{farther.pk}/"' in page


def test_the_board_filters_by_category_and_ignores_a_bad_filter(tenant_a, helper):
    _task(tenant_a, title="Router job")
    _task(tenant_a, title="TV box job", slug="tv-box")
    with tenant_a.context():
        internet, tv = category("internet-wlan"), category("tv-entertainment")
    client = tenant_a.session_client("provider")

    internet_only = client.get(f"/workspace/tasks/?category={internet.pk}").content.decode()
    tv_only = client.get(f"/workspace/tasks/?category={tv.pk}&distance=5").content.decode()
    bad = client.get("/workspace/tasks/?category=nonsense&distance=7")

    assert ("Router job" in internet_only, "TV box job" in internet_only) == (True, False)
    assert ("Router job" in tv_only, "TV box job" in tv_only) == (False, True)
    assert "1 open task within 5 km" in tv_only
    assert bad.status_code == 200
    assert "2 open tasks within 10 km" in bad.content.decode()


def test_an_offer_with_bad_input_shows_translated_field_errors_and_saves_nothing(tenant_a, helper):
    task = _task(tenant_a)
    client = tenant_a.session_client("provider")
    client.cookies["django_language"] = "de"

    response = client.post(
        f"/workspace/tasks/{task.pk}/",
        {"price": "abc", "day": "2026-13-45", "start": "", "minutes": "7", "message": "Hi"},
        HTTP_ACCEPT_LANGUAGE="de",
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert "Geben Sie den Preis als Zahl ein, z. B. 80 oder 45.50." in page
    assert "Wählen Sie aus der Liste." in page
    assert "Ihr Preis" in page
    assert 'aria-describedby="id_price-hint id_price-error"' in page
    assert 'aria-describedby="id_day-error"' in page
    assert _offers(tenant_a) == []


def test_an_offer_in_the_past_is_refused_on_its_field(tenant_a, helper):
    task = _task(tenant_a)
    yesterday = timezone.localdate() - timedelta(days=1)

    response = tenant_a.session_client("provider").post(
        f"/workspace/tasks/{task.pk}/",
        {"price": "80", "day": yesterday.isoformat(), "start": "10:00", "minutes": "60"},
    )

    assert response.status_code == 400
    assert '<p id="id_day-error" class="ws-error">Propose a time in the future.</p>' in (
        response.content.decode()
    )
    assert _offers(tenant_a) == []


def test_a_helper_sends_an_offer_sees_it_and_withdraws_it(tenant_a, helper):
    task = _task(tenant_a)
    client = tenant_a.session_client("provider")
    day = timezone.localdate() + timedelta(days=3)

    sent = client.post(
        f"/workspace/tasks/{task.pk}/",
        {
            "price": "75.50",
            "day": day.isoformat(),
            "start": "14:30",
            "minutes": "90",
            "message": "Gern",
        },
    )

    assert (sent.status_code, sent["Location"]) == (302, f"/workspace/tasks/{task.pk}/")
    with tenant_a.context():
        offer = Offer.objects.get()
        local = timezone.localtime(offer.proposed_start)
        assert (offer.price_amount_minor, offer.proposed_minutes, offer.message) == (
            7550,
            90,
            "Gern",
        )
        assert (local.date(), local.strftime("%H:%M")) == (day, "14:30")
    page = client.get(f"/workspace/tasks/{task.pk}/").content.decode()
    assert "CHF\u00a075.50" in page
    assert "Waiting for the customer" in page
    again = client.post(f"/workspace/tasks/{task.pk}/", {"price": "60", "minutes": "60"})
    assert again.status_code == 409
    assert _offers(tenant_a) == [("Lea M.", 7550)]

    withdrawn = client.post(f"/workspace/offers/{offer.pk}/withdraw/")
    assert (withdrawn.status_code, withdrawn["Location"]) == (302, "/workspace/offers/")
    mine = client.get("/workspace/offers/").content.decode()
    assert "Withdrawn" in mine
    with tenant_a.context():
        assert Offer.objects.get().status == "withdrawn"


def test_another_helper_cannot_withdraw_my_offer(tenant_a, helper):
    task = _task(tenant_a)
    with tenant_a.context():
        offer = offer_create(task=task, provider=make_provider(), price=Money(5000, "CHF"))
        make_provider(user=tenant_a.users["admin"], display_name="Admin helper")

    response = tenant_a.session_client("admin").post(f"/workspace/offers/{offer.pk}/withdraw/")

    assert response.status_code == 404
    with tenant_a.context():
        assert Offer.objects.get().status == "pending"


# --- the customer chooses the time of an offer without one ---


def test_accepting_an_offer_without_a_time_asks_the_customer_for_it(tenant_a, helper):
    task = _task(tenant_a)
    with tenant_a.context():
        offer = offer_create(task=task, provider=helper, price=Money(8000, "CHF"))
        bookable_listing(provider=helper)
    client = tenant_a.session_client("customer")

    respond = client.post(f"/offers/{offer.pk}/respond/", {"decision": "accept"})
    assert respond["Location"] == f"/offers/{offer.pk}/accept/"
    empty = client.post(f"/offers/{offer.pk}/accept/", {"day": "", "start": ""})
    german = client.post(
        f"/offers/{offer.pk}/accept/", {"day": "gestern", "start": "10"}, HTTP_ACCEPT_LANGUAGE="de"
    )
    past = client.post(
        f"/offers/{offer.pk}/accept/",
        {"day": (timezone.localdate() - timedelta(days=1)).isoformat(), "start": "10:00"},
    )

    assert empty.status_code == 400
    assert "Choose the day the job should take place." in empty.content.decode()
    assert "Choose the time the job should start." in empty.content.decode()
    assert german.status_code == 400
    assert "UTC" not in german.content.decode()
    assert past.status_code == 400
    assert "Choose a time in the future." in past.content.decode()
    with tenant_a.context():
        assert Booking.objects.count() == 0
        assert Offer.objects.get().status == "pending"

    day = timezone.localdate() + timedelta(days=2)
    accepted = client.post(
        f"/offers/{offer.pk}/accept/", {"day": day.isoformat(), "start": "10:00"}
    )
    with tenant_a.context():
        booking = Booking.objects.get()
        assert accepted["Location"] == f"/bookings/{booking.pk}/"
        assert booking.status == "accepted"
        assert timezone.localtime(booking.starts_at).strftime("%H:%M") == "10:00"


# --- urgent requests ---


@pytest.fixture
def broadcast(tenant_a, helper):
    with tenant_a.context():
        listing = bookable_listing(provider=helper)
        other = make_provider(display_name="Tom T.")
        make_listing(provider=other)
        booking = booking_broadcast(
            customer=tenant_a.users["customer"],
            category=listing.category,
            postal_code="8004",
            starts_at=next_local(11),
            note="Router down",
        )
    return booking, other


def test_invites_are_listed_and_the_first_helper_gets_the_job(tenant_a, broadcast):
    booking, other = broadcast
    client = tenant_a.session_client("provider")

    listed = client.get("/workspace/broadcasts/").content.decode()
    dashboard = client.get("/dashboard/provider/").content.decode()
    accepted = client.post(f"/workspace/broadcasts/{booking.pk}/accept/")

    assert f'action="/workspace/broadcasts/{booking.pk}/accept/"' in listed
    assert f'action="/workspace/broadcasts/{booking.pk}/decline/"' in dashboard
    assert accepted["Location"] == f"/bookings/{booking.pk}/"
    with tenant_a.context():
        booking.refresh_from_db()
        assert (booking.provider.display_name, booking.status) == ("Lea M.", "accepted")

    # the other helper is too late: a page saying so, never "not found"
    late = tenant_a.client()
    with tenant_a.context():
        late.force_login(other.user)
    too_late = late.post(f"/workspace/broadcasts/{booking.pk}/accept/")
    page = late.get(f"/workspace/broadcasts/{booking.pk}/")
    assert too_late.status_code == 409
    assert "Another helper was faster." in too_late.content.decode()
    assert page.status_code == 200
    assert "Another helper was faster." in page.content.decode()
    assert 'action="/workspace/broadcasts/' not in page.content.decode()
    with tenant_a.context():
        booking.refresh_from_db()
        assert booking.provider.display_name == "Lea M."


def test_declining_an_invite_removes_it_and_only_for_that_helper(tenant_a, broadcast):
    booking, other = broadcast
    client = tenant_a.session_client("provider")

    declined = client.post(f"/workspace/broadcasts/{booking.pk}/decline/")

    assert (declined.status_code, declined["Location"]) == (302, "/workspace/broadcasts/")
    assert (
        f'id="broadcast-{booking.pk}"' not in client.get("/workspace/broadcasts/").content.decode()
    )
    assert client.get(f"/workspace/broadcasts/{booking.pk}/").status_code == 404
    with tenant_a.context():
        assert list(BroadcastInvite.objects.values_list("provider_id", flat=True)) == [other.pk]
        booking.refresh_from_db()
        assert (booking.provider_id, booking.status) == (None, "requested")


def test_a_helper_not_invited_gets_not_found(tenant_a, broadcast):
    booking, _other = broadcast
    with tenant_a.context():
        make_provider(user=tenant_a.users["admin"], postal_code="3011")

    response = tenant_a.session_client("admin").post(f"/workspace/broadcasts/{booking.pk}/accept/")

    assert response.status_code == 404
    with tenant_a.context():
        booking.refresh_from_db()
        assert booking.provider_id is None


# --- dashboard and earnings ---


def test_the_dashboard_shows_requests_with_time_left_tasks_rating_and_earnings(tenant_a, helper):
    _task(tenant_a)
    with tenant_a.context():
        listing = bookable_listing(provider=helper, title="Router help")
        from quartier.bookings.services.requests import booking_request_slot

        booking_request_slot(
            listing=listing, customer=tenant_a.users["customer"], starts_at=next_local(10)
        )

    page = tenant_a.session_client("provider").get("/dashboard/provider/").content.decode()

    assert "Answer within" in page
    assert "1 open task in your area" in page
    assert 'href="/workspace/tasks/"' in page
    assert "0 unread messages" in page
    assert "No reviews yet." in page
    assert 'href="/workspace/earnings/"' in page


def test_earnings_of_a_cash_job_show_the_commission_owed_as_the_ledger_has_it(
    tenant_a, helper, django_capture_on_commit_callbacks
):
    with tenant_a.context(), django_capture_on_commit_callbacks(execute=True):
        listing = bookable_listing(provider=helper, title="Router help")
        booking = completed_booking(listing=listing, customer=tenant_a.users["customer"])
    with tenant_a.context():
        balances = ledger.party_balances()
        owed = balances[(f"provider:{helper.pk}", "CHF")]
        payment = booking.payment
        payment.refresh_from_db()

    page = tenant_a.session_client("provider").get("/workspace/earnings/").content.decode()

    assert owed == payment.commission_minor > 0
    assert f'<dd id="earnings-commission-owed">CHF\u00a0{owed / 100:.2f}</dd>' in page, page
    assert '<dd id="earnings-available">CHF\u00a00.00</dd>' in page
    assert f'id="earning-{booking.pk}"' in page
    assert "Commission owed" in page
    assert "/api/billing/statements/earnings.csv?start=" in page


@pytest.mark.usefixtures("stripe")
def test_earnings_of_a_card_job_equal_the_ledger_before_and_after_the_job(
    tenant_a, helper, django_capture_on_commit_callbacks
):
    from tests.billing.factories import add_card, complete, confirmed, go_online

    customer = tenant_a.users["customer"]
    with tenant_a.context():
        go_online(commission_basis_points=1000, commission_fixed_minor=50)
        add_card(customer)
        listing = bookable_listing(provider=helper, title="Router help")
    with tenant_a.context(), django_capture_on_commit_callbacks(execute=True):
        booking = confirmed(listing=listing, customer=customer)
    client = tenant_a.session_client("provider")

    before = client.get("/workspace/earnings/").content.decode()
    with tenant_a.context(), django_capture_on_commit_callbacks(execute=True):
        complete(booking)
    after = client.get("/workspace/earnings/").content.decode()
    with tenant_a.context():
        payable = ledger.account_balances(prefix=ledger.provider_payable(helper.pk))
        owed = -payable[(ledger.provider_payable(helper.pk), "CHF")]

    # booked: CHF 60 pending, CHF 6.50 commission to come, nothing available yet
    assert '<dd id="earnings-pending">CHF\u00a060.00</dd>' in before
    assert '<dd id="earnings-available">CHF\u00a00.00</dd>' in before
    assert "Commission CHF\u00a06.50 · You keep <strong>CHF\u00a053.50</strong>" in before
    # done and captured: what the ledger owes the helper is available
    assert owed == 6000 - 650
    assert '<dd id="earnings-pending">CHF\u00a00.00</dd>' in after
    assert f'<dd id="earnings-available">CHF\u00a0{owed / 100:.2f}</dd>' in after
    assert "earnings-commission-owed" not in after
