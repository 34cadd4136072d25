"""The operator's dashboards: tenants by status, bookings per tenant per week read across
the tenant schemas, fleet health per schema, the tenant detail page; staff only, and
never served on a tenant's host."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from quartier.accounts.models import User
from quartier.bookings.models import Booking
from quartier.bookings.services.requests import booking_request_slot
from quartier.outbox.models import OutboxMessage
from quartier.platform.models import DeadLetter
from quartier.tenants import dashboards
from tests.bookings.factories import bookable_listing, next_local
from tests.conftest import PASSWORD, PLATFORM_HOST

PAGES = ["/operator/", "/operator/dashboard/", "/operator/fleet/", "/operator/tenants/telco/"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def operator(operator_token, db) -> Client:
    client = Client(HTTP_HOST=PLATFORM_HOST)
    client.force_login(User.objects.get(email="ops@platform.test"))
    return client


def _bookings(handle, *, days_ago: list[int]) -> None:
    """One booking request per entry, made `days_ago` days ago, in the tenant's schema."""
    with handle.context():
        listing = bookable_listing()
        customer = handle.users["customer"]
        for number, days in enumerate(days_ago):
            booking = booking_request_slot(
                listing=listing, customer=customer, starts_at=next_local(9, days_ahead=2 + number)
            )
            Booking.objects.filter(pk=booking.pk).update(
                created_at=timezone.now() - timedelta(days=days)
            )


@pytest.fixture
def booked(tenant_a, tenant_b):
    # A: two this week, one two weeks back, one long before the twelve weeks.
    # B: three a week back.
    _bookings(tenant_a, days_ago=[0, 0, 14, 120])
    _bookings(tenant_b, days_ago=[7, 7, 7])


def _expected(days_ago: list[int]) -> list[int]:
    mondays = dashboards.recent_weeks()
    counts = [0] * len(mondays)
    for days in days_ago:
        monday = dashboards.week_start(timezone.now() - timedelta(days=days))
        if monday in mondays:
            counts[mondays.index(monday)] += 1
    return counts


def test_bookings_per_week_are_read_from_each_tenants_schema(tenant_a, tenant_b, booked):
    mondays, rows = dashboards.bookings_per_week([tenant_a.tenant, tenant_b.tenant])
    by_slug = {row.tenant.slug: row.counts for row in rows}

    assert len(mondays) == dashboards.WEEKS
    assert mondays[-1] == dashboards.week_start(timezone.now())
    assert by_slug[tenant_a.slug] == _expected([0, 0, 14])
    assert by_slug[tenant_b.slug] == _expected([7, 7, 7])
    assert sum(by_slug[tenant_a.slug]) == 3
    assert by_slug[tenant_a.slug][-1] == 2
    assert by_slug[tenant_b.slug][-2] == 3


def test_the_dashboard_page_shows_the_table_and_an_accessible_chart(
    tenant_a, tenant_b, booked, operator
):
    response = operator.get("/operator/dashboard/")

    html = response.content.decode()
    assert response.status_code == 200
    row_a = html.split(f'id="bookings-{tenant_a.slug}"')[1].split("</tr>")[0]
    assert row_a.endswith('<td class="q-num">3</td>')
    row_b = html.split(f'id="bookings-{tenant_b.slug}"')[1].split("</tr>")[0]
    assert row_b.endswith('<td class="q-num">3</td>')
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in html
    assert f'id="bookings-{tenant_a.slug}-title">Bookings per week at Telco Friends' in html
    assert 'role="img"' in html
    assert 'id="count-active">' in html


def test_the_tenant_counts_group_by_status(tenant_a, tenant_b):
    counts = dashboards.tenant_counts()

    by_status = {status: count for status, _label, count in counts["by_status"]}
    assert by_status["active"] >= 2
    assert counts["total"] == sum(by_status.values())
    assert sum(count for _monday, count in counts["new_per_week"]) >= 2


def test_fleet_health_reads_each_schema(tenant_a, tenant_b):
    with tenant_a.context():
        OutboxMessage.objects.create(kind="test.kind", dedupe_key="dash-1")
        OutboxMessage.objects.create(kind="test.kind", dedupe_key="dash-2", status="dead")
    DeadLetter.objects.create(
        task_name="billing.payment_settle",
        schema_name=tenant_a.tenant.schema_name,
        exception_type="RuntimeError",
        attempts=5,
    )

    rows = {
        row.tenant.slug: row for row in dashboards.fleet_schemas([tenant_a.tenant, tenant_b.tenant])
    }

    a, b = rows[tenant_a.slug], rows[tenant_b.slug]
    assert a.is_present
    assert a.is_current
    assert a.last_migration_at is not None
    assert (a.outbox_pending, a.outbox_dead, a.dead_letters) == (1, 1, 1)
    assert a.needs_attention
    assert (b.outbox_pending, b.outbox_dead, b.dead_letters) == (0, 0, 0)
    assert b.is_current


def test_the_fleet_page_lists_every_tenant_schema(tenant_a, tenant_b, operator):
    html = operator.get("/operator/fleet/").content.decode()

    row = html.split(f'id="schema-{tenant_a.slug}"')[1].split("</tr>")[0]
    assert ">current<" in row


def test_the_tenant_page_shows_domains_counts_and_the_status_form(tenant_a, booked, operator):
    response = operator.get(f"/operator/tenants/{tenant_a.slug}/")

    html = response.content.decode()
    assert response.status_code == 200
    assert tenant_a.host in html
    assert '<dd id="tenant-bookings">4</dd>' in html
    assert f'action="/operator/tenants/{tenant_a.slug}/status/"' in html
    assert f'name="{tenant_a.slug}-confirm"' in html
    assert operator.get("/operator/tenants/nope/").status_code == 404


def test_the_tenant_list_filters_by_name_and_status(tenant_a, tenant_b, operator):
    by_name = operator.get("/operator/", {"q": "telco"}).content.decode()
    suspended = operator.get("/operator/", {"status": "suspended"}).content.decode()
    nonsense = operator.get("/operator/", {"status": "<b>"})

    assert 'id="tenant-telco"' in by_name
    assert 'id="tenant-acme"' not in by_name
    assert 'id="tenant-telco"' not in suspended
    assert nonsense.status_code == 200


@pytest.mark.parametrize("path", PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(tenant_a, path):
    response = Client(HTTP_HOST=PLATFORM_HOST).get(path)

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize("path", PAGES)
def test_platform_users_without_staff_rights_are_refused(tenant_a, path):
    user = User.objects.create_user(email="nostaff@platform.test", password=PASSWORD)
    client = Client(HTTP_HOST=PLATFORM_HOST)
    client.force_login(user)

    assert client.get(path).status_code == 403


@pytest.mark.parametrize("path", PAGES)
def test_operator_pages_do_not_exist_on_tenant_hosts(tenant_a, path):
    admin = tenant_a.session_client("admin")

    assert admin.get(path).status_code == 404
    assert tenant_a.client().get(path).status_code == 404


def test_the_operator_stylesheet_is_the_shared_design_system(db):
    response = Client(HTTP_HOST=PLATFORM_HOST).get("/operator/console.css")

    css = response.content.decode()
    assert response["Content-Type"].startswith("text/css")
    assert "--q-primary:#1f3a5f" in css
    assert ".q-card{" in css
