import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from quartier.bookings.services.requests import booking_request_slot
from quartier.catalog.models import Listing
from quartier.marketplace.models import MarketplaceSettings
from tests.bookings.factories import bookable_listing, next_local
from tests.catalog.factories import category, make_listing, make_provider, png_bytes


def _listing_body(handle, **overrides):
    with handle.context():
        category_id = category().pk
    with_category = {
        "category": category_id,
        "title": "WLAN setup",
        "price": {"amount_minor": 6000, "currency": "CHF"},
        "price_unit": "hour",
        "description": "Router, mesh, repeater.",
        "postal_code": "8004",
        "radius_km": 10,
    }
    return {**with_category, **overrides}


@pytest.fixture
def provider_a(tenant_a):
    with tenant_a.context():
        return make_provider(user=tenant_a.users["provider"])


def test_a_provider_creates_publishes_and_pauses_a_listing(tenant_a, provider_a):
    client = tenant_a.client("provider")
    body = _listing_body(tenant_a)

    created = client.post("/api/listings/", body, format="json")

    assert created.status_code == 201, created.json()
    listing = created.json()
    assert listing["status"] == "draft"
    assert listing["price"] == {"amount_minor": 6000, "currency": "CHF", "formatted": "CHF 60.00"}
    assert tenant_a.client("customer").get(f"/api/listings/{listing['id']}/").status_code == 404
    published = client.post(f"/api/listings/{listing['id']}/publish/")
    assert published.json()["status"] == "published"
    assert tenant_a.client().get(f"/api/listings/{listing['id']}/").status_code == 200
    paused = client.post(f"/api/listings/{listing['id']}/pause/")
    assert paused.json()["status"] == "paused"
    assert tenant_a.client().get(f"/api/listings/{listing['id']}/").status_code == 404
    assert client.get("/api/listings/").json()["results"][0]["id"] == listing["id"]


def test_unvetted_providers_cannot_publish_when_the_tenant_requires_vetting(tenant_a):
    with tenant_a.context():
        make_provider(user=tenant_a.users["provider"], vetted=False)
        draft = (
            tenant_a.client("provider")
            .post("/api/listings/", _listing_body(tenant_a), format="json")
            .json()
        )

    refused = tenant_a.client("provider").post(f"/api/listings/{draft['id']}/publish/")

    assert refused.status_code == 403
    assert refused.json()["code"] == "vetting_required"
    with tenant_a.context():
        MarketplaceSettings.objects.update(vetting_required=False)
    allowed = tenant_a.client("provider").post(f"/api/listings/{draft['id']}/publish/")
    assert allowed.json()["status"] == "published"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"price": {"amount_minor": -100, "currency": "CHF"}}, "price"),
        ({"price": {"amount_minor": 0, "currency": "CHF"}}, "price"),
        ({"price": {"amount_minor": 10**12, "currency": "CHF"}}, "price"),
        ({"price": {"amount_minor": 60.5, "currency": "CHF"}}, "price"),
        ({"price": {"amount_minor": "6000", "currency": "CHF"}}, "price"),
        ({"price": {"amount_minor": 6000, "currency": "USD"}}, "price"),
        ({"price": 60}, "price"),
        ({"radius_km": 0}, "radius_km"),
        ({"radius_km": 201}, "radius_km"),
        ({"postal_code": "0000"}, "postal_code"),
        ({"title": ""}, "title"),
        ({"title": "x" * 121}, "title"),
        ({"category": 999_999}, "category"),
        ({"duration_minutes": 5}, "duration_minutes"),
        ({"language": "xx"}, "language"),
        ({"description": "x" * 5001}, "description"),
    ],
)
def test_bad_listing_input_is_a_400_naming_the_field(tenant_a, provider_a, change, field):
    response = tenant_a.client("provider").post(
        "/api/listings/", _listing_body(tenant_a, **change), format="json"
    )

    assert response.status_code == 400, response.content
    assert field in response.json()["fields"]
    with tenant_a.context():
        assert not Listing.objects.exists()


def test_html_in_titles_is_stored_as_text_and_escaped_on_pages(tenant_a, provider_a):
    title = '<script>alert("x")</script><b>WLAN</b>'
    created = (
        tenant_a.client("provider")
        .post("/api/listings/", _listing_body(tenant_a, title=title), format="json")
        .json()
    )
    tenant_a.client("provider").post(f"/api/listings/{created['id']}/publish/")

    assert created["title"] == title
    page = tenant_a.client().get(f"/listings/{created['id']}/").content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    results = tenant_a.client().get("/search/?q=WLAN&postal_code=8004").content.decode()
    assert "<b>WLAN</b>" not in results


def test_only_the_owner_edits_and_deletes(tenant_a):
    with tenant_a.context():
        listing = make_listing()

    other = tenant_a.client("provider")
    assert (
        other.patch(
            f"/api/listings/{listing.pk}/", {"title": "Mine now"}, format="json"
        ).status_code
        == 404
    )
    assert other.delete(f"/api/listings/{listing.pk}/").status_code == 404
    with tenant_a.context():
        assert Listing.objects.get(pk=listing.pk).title == "WLAN setup"


def test_moderators_hide_with_a_reason_the_owner_sees(tenant_a, provider_a):
    with tenant_a.context():
        listing = make_listing(provider=provider_a)
    admin = tenant_a.client("admin")

    without_reason = admin.post(f"/api/listings/{listing.pk}/hide/", {}, format="json")
    hidden = admin.post(
        f"/api/listings/{listing.pk}/hide/", {"reason": "Misleading price"}, format="json"
    )

    assert without_reason.status_code == 400
    assert hidden.json()["status"] == "hidden"
    assert tenant_a.client().get(f"/api/listings/{listing.pk}/").status_code == 404
    owner_view = tenant_a.client("provider").get(f"/api/listings/{listing.pk}/").json()
    assert owner_view["hidden_reason"] == "Misleading price"
    assert (
        tenant_a.client("provider").post(f"/api/listings/{listing.pk}/publish/").status_code == 409
    )
    assert (
        tenant_a.client("customer")
        .post(f"/api/listings/{listing.pk}/hide/", {"reason": "x"}, format="json")
        .status_code
        == 403
    )
    unhidden = admin.post(f"/api/listings/{listing.pk}/unhide/")
    assert unhidden.json()["status"] == "published"


def test_unhiding_restores_the_state_before_hiding(tenant_a, provider_a):
    """A paused listing comes back paused, a published one published (issue 14)."""
    with tenant_a.context():
        paused = make_listing(provider=provider_a, title="Paused one")
        Listing.objects.filter(pk=paused.pk).update(status=Listing.Status.PAUSED)
        published = make_listing(provider=provider_a, title="Online one")
    admin = tenant_a.client("admin")
    for listing in (paused, published):
        hidden = admin.post(f"/api/listings/{listing.pk}/hide/", {"reason": "Check"}, format="json")
        assert hidden.json()["status"] == "hidden"
    # hiding twice keeps the state from before the first hiding
    admin.post(f"/api/listings/{published.pk}/hide/", {"reason": "Again"}, format="json")

    assert admin.post(f"/api/listings/{paused.pk}/unhide/").json()["status"] == "paused"
    assert admin.post(f"/api/listings/{published.pk}/unhide/").json()["status"] == "published"
    with tenant_a.context():
        assert set(Listing.objects.values_list("status_before_hidden", flat=True)) == {""}


def test_a_published_listing_of_a_suspended_helper_comes_back_paused(tenant_a, provider_a):
    with tenant_a.context():
        listing = make_listing(provider=provider_a)
    admin = tenant_a.client("admin")
    admin.post(f"/api/listings/{listing.pk}/hide/", {"reason": "Check"}, format="json")
    with tenant_a.context():
        type(provider_a).objects.filter(pk=provider_a.pk).update(is_suspended=True)

    assert admin.post(f"/api/listings/{listing.pk}/unhide/").json()["status"] == "paused"


def test_listing_photos_are_validated(tenant_a, provider_a, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "quartier.platform.storage.TenantFileSystemStorage",
            "OPTIONS": {"location": str(tmp_path), "base_url": "/media/"},
        },
    }
    from django.core.files.storage import storages

    storages._storages.pop("default", None)
    with tenant_a.context():
        listing = make_listing(provider=provider_a)
    client = tenant_a.client("provider")

    fake = client.post(
        f"/api/listings/{listing.pk}/photos/",
        {"image": SimpleUploadedFile("x.jpg", b"MZ not an image")},
        format="multipart",
    )
    huge = client.post(
        f"/api/listings/{listing.pk}/photos/",
        {"image": SimpleUploadedFile("x.jpg", b"\xff" * (6 * 1024 * 1024))},
        format="multipart",
    )
    good = client.post(
        f"/api/listings/{listing.pk}/photos/",
        {"image": SimpleUploadedFile("x.png", png_bytes())},
        format="multipart",
    )

    assert (fake.status_code, list(fake.json()["fields"])) == (400, ["image"])
    assert (huge.status_code, huge.json()["code"]) == (400, "file_too_large")
    assert good.status_code == 201
    photo = good.json()["photos"][0]
    assert photo["url"].startswith("/media/t_telco/listings/")
    assert "listings/listings/" not in photo["url"]  # stored once under listings/
    removed = client.delete(f"/api/listings/{listing.pk}/photos/{photo['id']}/")
    assert removed.status_code == 204
    storages._storages.pop("default", None)


def test_a_listing_with_bookings_is_paused_not_deleted(tenant_a, provider_a):
    with tenant_a.context():
        listing = bookable_listing(provider=provider_a)
        booking_request_slot(
            listing=listing, customer=tenant_a.users["customer"], starts_at=next_local(10)
        )

    response = tenant_a.client("provider").delete(f"/api/listings/{listing.pk}/")

    assert response.status_code == 409
    assert response.json() == {
        "code": "listing_in_use",
        "message": "This listing has bookings; pause it instead of deleting it.",
        "fields": {},
    }
    with tenant_a.context():
        assert Listing.objects.filter(pk=listing.pk).exists()
