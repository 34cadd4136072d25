"""The analytics page's "How fast help arrives" on a phone: the admin reads it without
sideways scrolling, and axe-core finds no serious or critical violation.

One request, accepted 12 minutes after it was made, is committed through the services
before the browser starts; the browser part uses pages only.
"""

from datetime import timedelta

import pytest

from tests.browser.conftest import axe_violations, committed, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db]
PHONE = {"width": 390, "height": 844}


def test_the_speed_section_reads_on_a_phone(storefronts, new_context, csp_violations):
    telco = storefronts["telco"]

    def make():
        from quartier.accounts.models import User
        from quartier.bookings.models import Booking, BookingEvent
        from quartier.bookings.services.lifecycle import booking_transition
        from quartier.bookings.services.requests import booking_request_slot
        from tests.bookings.factories import next_local

        with telco.handle.context():
            customer = User.objects.get(email=telco.customer_email)
            booking = booking_request_slot(
                listing=telco.listing, customer=customer, starts_at=next_local(10, days_ahead=41)
            )
            booking_transition(booking=booking, action="accept", actor=telco.provider.user)
            booking = Booking.objects.get(pk=booking.pk)
            BookingEvent.objects.filter(booking=booking, to_status="accepted").update(
                created_at=booking.created_at + timedelta(minutes=12)
            )

    committed(make)
    page = new_context().new_page()
    page.set_viewport_size(PHONE)
    sign_in(page, telco.base_url, telco.admin_email)
    page.goto(f"{telco.base_url}/back-office/analytics/")

    section = page.locator("#dispatch-speed")
    assert section.get_by_role("heading", name="How fast help arrives").is_visible()
    per_category = page.locator("#speed-per-category").inner_text()
    assert "12 min" in per_category
    assert "100 % (1 of 1)" in per_category
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert axe_violations(page) == []
    assert csp_violations == []
