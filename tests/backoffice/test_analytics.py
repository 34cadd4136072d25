"""Analytics: exact numbers for a seeded set, in a fixed number of queries, as inline SVG."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from quartier.backoffice.selectors import WEEKS, _week_start, analytics
from quartier.billing.models import Payment
from quartier.bookings.models import Booking, BookingEvent, Review
from quartier.bookings.services.lifecycle import booking_transition
from quartier.bookings.services.requests import booking_request_slot
from quartier.platform.charts import Point, bar_chart, line_chart
from tests.bookings.factories import bookable_listing, next_local


def _request(listing, customer, *, hour: int, requested_ago: timedelta) -> Booking:
    booking = booking_request_slot(listing=listing, customer=customer, starts_at=next_local(hour))
    requested_at = timezone.now() - requested_ago
    Booking.objects.filter(pk=booking.pk).update(created_at=requested_at)
    BookingEvent.objects.filter(booking=booking).update(created_at=requested_at)
    booking.refresh_from_db()
    return booking


def _answer(booking: Booking, action: str, *, after: timedelta) -> None:
    booking_transition(booking=booking, action=action, actor=booking.provider.user)
    BookingEvent.objects.filter(booking=booking, from_status="requested").update(
        created_at=booking.created_at + after
    )


def _captured(booking: Booking, amount_minor: int, *, ago: timedelta) -> None:
    Payment.objects.update_or_create(
        booking=booking,
        defaults={
            "mode": "online",
            "status": "captured",
            "currency": "CHF",
            "price_minor": amount_minor,
            "commission_basis_points": 1000,
            "commission_fixed_minor": 0,
            "authorised_minor": amount_minor,
            "captured_minor": amount_minor,
            "captured_at": timezone.now() - ago,
        },
    )


@pytest.fixture
def seeded(tenant_a):
    """Four requests: answered after 10, 30 and 90 minutes, and one never answered."""
    with tenant_a.context():
        customer = tenant_a.users["customer"]
        wlan = bookable_listing(title="WLAN setup")
        other_wlan = bookable_listing(title="Router help")
        moving = bookable_listing(title="Moving help", category_slug="moving-help")
        fast = _request(wlan, customer, hour=10, requested_ago=timedelta(days=15))
        medium = _request(wlan, customer, hour=13, requested_ago=timedelta(days=15))
        slow = _request(other_wlan, customer, hour=10, requested_ago=timedelta(days=2))
        silent = _request(moving, customer, hour=10, requested_ago=timedelta(days=3))
        _answer(fast, "accept", after=timedelta(minutes=10))
        _answer(medium, "decline", after=timedelta(minutes=30))
        _answer(slow, "accept", after=timedelta(minutes=90))
        _captured(fast, 6000, ago=timedelta(days=14))
        _captured(slow, 4550, ago=timedelta(days=1))
        for booking, rating, hidden in ((fast, 5, False), (slow, 4, False), (medium, 1, True)):
            Review.objects.create(
                booking=booking,
                direction=Review.Direction.OF_PROVIDER,
                author=customer,
                rating=rating,
                is_hidden=hidden,
                revealed_at=timezone.now(),
            )
        return {"fast": fast, "slow": slow, "silent": silent}


def test_the_numbers_are_exact_for_a_seeded_set(tenant_a, seeded, django_assert_max_num_queries):
    with tenant_a.context(), django_assert_max_num_queries(7):
        numbers = analytics()

    # the median of 10, 30 and 90 minutes; the unanswered request has no response time
    assert numbers.median_response == timedelta(minutes=30)
    assert (numbers.answered_within_hour, numbers.requests_counted) == (2, 4)
    assert numbers.share_answered_within_hour == 0.5
    # the hidden 1-star review does not count
    assert (numbers.rating.value, numbers.rating.count) == (Decimal("4.5"), 2)
    assert numbers.currency == "CHF"
    assert [(row.slug, row.bookings) for row in numbers.top_categories] == [
        ("router-setup", 3),
        ("moving-help", 1),
    ]


def test_bookings_and_revenue_fall_into_their_weeks(tenant_a, seeded):
    with tenant_a.context():
        numbers = analytics()
    now = timezone.now()

    def expected(pairs):
        totals: dict = {}
        for moment, value in pairs:
            week = _week_start(moment).date()
            totals[week] = totals.get(week, 0) + value
        return totals

    bookings = {row.week.date(): row.value for row in numbers.bookings_per_week if row.value}
    revenue = {row.week.date(): row.value for row in numbers.revenue_per_week if row.value}
    assert len(numbers.bookings_per_week) == len(numbers.revenue_per_week) == WEEKS
    assert numbers.bookings_per_week[-1].week.date() == _week_start(now).date()
    assert bookings == expected(
        [
            (now - timedelta(days=15), 2),
            (now - timedelta(days=2), 1),
            (now - timedelta(days=3), 1),
        ]
    )
    assert revenue == expected([(now - timedelta(days=14), 6000), (now - timedelta(days=1), 4550)])


def test_old_and_foreign_currency_payments_are_left_out(tenant_a, seeded):
    with tenant_a.context():
        Payment.objects.filter(booking=seeded["fast"]).update(
            captured_at=timezone.now() - timedelta(weeks=WEEKS + 1)
        )
        Payment.objects.filter(booking=seeded["slow"]).update(currency="EUR")
        numbers = analytics()

    assert sum(row.value for row in numbers.revenue_per_week) == 0


def test_an_empty_marketplace_has_no_numbers_yet(tenant_a):
    with tenant_a.context():
        numbers = analytics()

    assert numbers.median_response is None
    assert numbers.share_answered_within_hour is None
    assert numbers.rating.value is None
    assert sum(row.value for row in numbers.bookings_per_week) == 0
    assert numbers.top_categories == []


def test_the_page_shows_the_numbers_charts_and_tables(
    tenant_a, seeded, django_assert_max_num_queries
):
    client = tenant_a.session_client("admin")
    client.get("/back-office/analytics/")  # warm caches (theme, tenant)

    with django_assert_max_num_queries(13):
        response = client.get("/back-office/analytics/")

    html = response.content.decode()
    assert response.status_code == 200
    assert '<dd id="median-response">30 min</dd>' in html
    assert "50 % (2 of 4)" in html
    assert 'data-rating="4.5" data-count="2"' in html
    assert '<span class="rating-value">4.5</span>' in html
    assert html.count('role="img"') == 4  # with the dispatch speed chart
    assert '<title id="chart-bookings-title">Bookings per week</title>' in html
    assert 'aria-label="Revenue per week (CHF)"' in html
    assert "<td>CHF 60.00</td>" in html
    assert "<td>CHF 45.50</td>" in html


def test_chart_labels_are_escaped_and_bars_scale_to_the_largest_value():
    svg = str(
        bar_chart(
            chart_id="c",
            title="<script>alert(1)</script>",
            points=[Point(label="<b>a</b>", value=2), Point(label="b", value=4)],
        )
    )

    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    assert "&lt;b&gt;a&lt;/b&gt;" in svg
    # the plot is 192 units high: 4 fills it, 2 fills half
    assert 'height="192.0"' in svg
    assert 'height="96.0"' in svg


def test_a_line_chart_has_one_dot_per_point_and_an_empty_one_still_has_a_title():
    line = str(line_chart(chart_id="l", title="Revenue", points=[Point("a", 1), Point("b", 3)]))
    empty = str(bar_chart(chart_id="e", title="Nothing", points=[]))

    assert line.count("<circle") == 2
    assert "<polyline" in line
    assert '<title id="e-title">Nothing</title>' in empty
