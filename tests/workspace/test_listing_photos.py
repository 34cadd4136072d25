"""The listing's photos on its edit page (issue 14): several at once, reorder, delete,
the cover on the storefront; the card preview; bad files refused in words."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from quartier.catalog.models import ListingPhoto
from quartier.catalog.services.listings import MAX_PHOTOS
from quartier.providers.models import ProviderProfile
from tests.catalog.factories import make_listing, make_provider

pytestmark = pytest.mark.django_db


def _png(name="photo.png", size=(64, 48), colour=(30, 120, 200)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@pytest.fixture
def owned(tenant_a):
    """A vetted helper's published listing, and the helper's browser session."""
    with tenant_a.context():
        helper = make_provider(user=tenant_a.users["provider"], vetted=True, display_name="Lea M.")
        ProviderProfile.objects.filter(pk=helper.pk).update(is_vetted=True)
        listing = make_listing(provider=helper, title="WLAN set-up")
    return listing, tenant_a.session_client("provider")


def _photos(tenant, listing) -> list[tuple[int, str]]:
    with tenant.context():
        return list(ListingPhoto.objects.filter(listing=listing).values_list("position", "image"))


def test_a_helper_uploads_two_photos_reorders_and_deletes(tenant_a, owned):
    listing, client = owned
    url = f"/workspace/listings/{listing.pk}/photos/"

    added = client.post(url, {"photos": [_png("red.png", colour=(200, 0, 0)), _png("blue.png")]})
    assert (added.status_code, added["Location"]) == (
        302,
        f"/workspace/listings/{listing.pk}/#photos",
    )
    photos = _photos(tenant_a, listing)
    assert [position for position, _ in photos] == [0, 1]
    # stored once under listings/, sniffed and re-encoded (PNG without alpha -> JPEG)
    assert all(
        re.fullmatch(rf"t_telco/listings/{listing.pk}-[0-9a-f]{{12}}\.jpg", name)
        for _, name in photos
    )
    page = client.get(f"/workspace/listings/{listing.pk}/").content.decode()
    assert "2 photos added." in page
    assert page.count('class="ws-photo"') == 2
    assert "Cover" in page

    with tenant_a.context():
        second = ListingPhoto.objects.get(listing=listing, position=1)
    moved = client.post(
        f"/workspace/listings/{listing.pk}/photos/{second.pk}/move/", {"direction": "up"}
    )
    assert moved.status_code == 302
    with tenant_a.context():
        assert ListingPhoto.objects.filter(listing=listing).first().pk == second.pk
    # the storefront's card and page show the new cover first
    search = tenant_a.client().get("/search/?q=WLAN&postal_code=8004&radius_km=10")
    assert f'<div class="rs-cover"><img src="{second.image.url}"' in (search.content.decode())
    detail = tenant_a.client().get(f"/listings/{listing.pk}/").content.decode()
    assert f'src="{second.image.url}" class="listing-cover"' in detail

    deleted = client.post(f"/workspace/listings/{listing.pk}/photos/{second.pk}/delete/")
    assert deleted.status_code == 302
    assert [position for position, _ in _photos(tenant_a, listing)] == [0]


def test_a_bad_file_refuses_the_whole_upload_in_words(tenant_a, owned):
    listing, client = owned
    response = client.post(
        f"/workspace/listings/{listing.pk}/photos/",
        {
            "photos": [
                _png("fine.png"),
                SimpleUploadedFile("évil\u202e.png", b"<?php echo 1; ?>", content_type="image/png"),
            ]
        },
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "This file is not a valid image." in page
    assert 'href="#id_photos"' in page
    assert _photos(tenant_a, listing) == []  # nothing half-saved


def test_too_many_pixels_too_many_photos_and_no_file(tenant_a, owned):
    listing, client = owned
    url = f"/workspace/listings/{listing.pk}/photos/"
    huge = client.post(url, {"photos": [_png("huge.png", size=(6000, 5000))]})
    empty = client.post(url, {})
    too_many = client.post(url, {"photos": [_png(f"{n}.png") for n in range(MAX_PHOTOS + 1)]})

    assert [huge.status_code, empty.status_code, too_many.status_code] == [400, 400, 400]
    assert "The image has too many pixels." in huge.content.decode()
    assert "Choose one or more photos." in empty.content.decode()
    assert f"At most {MAX_PHOTOS} photos." in too_many.content.decode()
    assert _photos(tenant_a, listing) == []


def test_errors_are_translated(tenant_a, owned):
    listing, client = owned
    client.cookies["django_language"] = "de"
    response = client.post(
        f"/workspace/listings/{listing.pk}/photos/",
        {"photos": [SimpleUploadedFile("x.png", b"nope")]},
    )

    assert response.status_code == 400
    assert "Diese Datei ist kein gültiges Bild." in response.content.decode()


def test_wrong_ids_answer_404_and_change_nothing(tenant_a, owned):
    listing, client = owned
    client.post(f"/workspace/listings/{listing.pk}/photos/", {"photos": [_png()]})
    with tenant_a.context():
        photo = ListingPhoto.objects.get(listing=listing)
        other = make_listing(provider=make_provider(display_name="Someone else"), title="Not Lea's")

    assert (
        client.post(f"/workspace/listings/{other.pk}/photos/", {"photos": [_png()]}).status_code
        == 404
    )
    assert (
        client.post(f"/workspace/listings/{other.pk}/photos/{photo.pk}/delete/").status_code == 404
    )
    assert (
        client.post(
            f"/workspace/listings/{listing.pk}/photos/999999/move/", {"direction": "up"}
        ).status_code
        == 404
    )
    # the cover cannot move up; a made-up direction is refused in words
    edge = client.post(
        f"/workspace/listings/{listing.pk}/photos/{photo.pk}/move/",
        {"direction": "up"},
        follow=True,
    )
    odd = client.post(
        f"/workspace/listings/{listing.pk}/photos/{photo.pk}/move/",
        {"direction": "sideways"},
        follow=True,
    )
    assert "This photo cannot move further that way." in edge.content.decode()
    assert "Choose where to move the photo." in odd.content.decode()
    assert len(_photos(tenant_a, listing)) == 1


def test_the_card_preview_shows_what_customers_will_see(tenant_a, owned):
    listing, client = owned
    client.post(f"/workspace/listings/{listing.pk}/photos/", {"photos": [_png()]})
    page = client.get(f"/workspace/listings/{listing.pk}/").content.decode()
    preview = page[page.index('id="listing-preview"') :]

    assert '<p class="ws-preview-title" data-preview="title">WLAN set-up</p>' in preview
    assert '<span data-preview="price">CHF\u00a060.00</span>' in preview
    assert 'class="ws-preview-cover" src="/media/t_telco/listings/' in preview
    assert "by Lea M." in preview
    assert "/static/workspace/preview.js" in preview

    # with errors, the preview shows what was typed (escaped), not what is saved
    typed = client.post(
        f"/workspace/listings/{listing.pk}/",
        {"title": "Réseau <b>Wi-Fi</b> 🛜", "price": "abc", "price_unit": "visit"},
    ).content.decode()
    assert "Réseau &lt;b&gt;Wi-Fi&lt;/b&gt; 🛜" in typed
    assert '<span data-preview="price">—</span> · <span data-preview="unit">Per visit</span>' in (
        typed
    )


def test_the_dragged_order_is_saved_whole_or_not_at_all(tenant_a, owned):
    listing, client = owned
    client.post(
        f"/workspace/listings/{listing.pk}/photos/",
        {"photos": [_png("1.png"), _png("2.png"), _png("3.png")]},
    )
    with tenant_a.context():
        first, second, third = ListingPhoto.objects.filter(listing=listing)
    url = f"/workspace/listings/{listing.pk}/photos/order/"

    page = client.get(f"/workspace/listings/{listing.pk}/").content.decode()
    assert 'id="photo-order" hidden' in page
    assert "/static/workspace/photos.js" in page
    saved = client.post(url, {"order": f"{third.pk},{first.pk},{second.pk}"}, follow=True)
    assert "The photos are in their new order." in saved.content.decode()

    def order():
        with tenant_a.context():
            return list(ListingPhoto.objects.filter(listing=listing).values_list("pk", flat=True))

    assert order() == [third.pk, first.pk, second.pk]
    for bad in (f"{first.pk},{second.pk}", f"{first.pk},{first.pk},{second.pk}", "١,٢,٣", "x", ""):
        refused = client.post(url, {"order": bad}, follow=True)
        assert "The photos changed meanwhile" in refused.content.decode()
        assert order() == [third.pk, first.pk, second.pk]
