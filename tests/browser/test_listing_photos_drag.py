"""A helper drags a listing's photos into a new order on a desktop (issue 14); on a
phone the move buttons do it. The photos are set up through the services before the
browser starts; everything in the browser is pages only."""

import io
import re
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from quartier.platform.tenancy import public_context
from tests.browser.conftest import axe_violations, committed, sign_in, watch_csp

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def _jpeg(colour) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (320, 200), colour).save(buffer, format="JPEG")
    return SimpleUploadedFile("photo.jpg", buffer.getvalue())


@pytest.fixture(scope="module")
def photo_market(tenant_pair, live_server_port):
    from quartier.catalog.services.listings import listing_photos_add
    from quartier.tenants.services import tenant_delete, tenant_purge
    from tests.catalog.factories import make_listing, make_provider
    from tests.conftest import _provision

    with public_context():
        handle = _provision(f"photos{uuid.uuid4().hex[:6]}", "Photo Friends")
    made = {}

    def set_up():
        with handle.context():
            helper = make_provider(user=handle.users["provider"], display_name="Lea M.")
            listing = make_listing(provider=helper, title="WLAN set-up")
            listing_photos_add(
                listing=listing, uploads=[_jpeg((200, 30, 30)), _jpeg((30, 30, 200))]
            )
            made["listing"] = listing.pk

    committed(set_up)
    yield handle, f"http://{handle.host}:{live_server_port}", made["listing"]
    with public_context():
        tenant_delete(tenant=handle.tenant, reason="browser test done")
        tenant_purge(tenant=handle.tenant)


def test_a_helper_drags_the_second_photo_to_the_front(photo_market, browser, csp_violations):
    handle, base, listing = photo_market
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 800})
    try:
        context.set_default_timeout(15_000)
        watch_csp(context, csp_violations)
        page = context.new_page()
        sign_in(page, base, handle.users["provider"].email)
        page.goto(f"{base}/workspace/listings/{listing}/")
        items = page.locator("#photo-list li")
        first, second = (items.nth(n).locator("img").get_attribute("src") for n in (0, 1))
        assert page.get_by_text("You can also drag the photos into a new order.").is_visible()

        items.nth(1).drag_to(items.nth(0), target_position={"x": 20, "y": 5})
        page.wait_for_url(re.compile(r"#photos$"))
        assert page.get_by_text("The photos are in their new order.").first.is_visible()
        assert [items.nth(n).locator("img").get_attribute("src") for n in (0, 1)] == [
            second,
            first,
        ]
        assert page.locator("#listing-preview img").get_attribute("src") == second
        assert axe_violations(page) == []
    finally:
        context.close()
