from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from quartier.bookings.models import Booking, Review
from quartier.bookings.services.reviews import reviews_reveal_due
from quartier.marketplace.models import AuditEntry
from quartier.providers.models import ProviderProfile
from quartier.providers.services import bayesian_score
from tests.bookings.factories import bookable_listing, completed_booking, confirmed_booking
from tests.catalog.factories import make_provider


@pytest.fixture
def listing(tenant_a):
    with tenant_a.context():
        return bookable_listing(provider=make_provider(user=tenant_a.users["provider"]))


def test_messages_are_plain_text_with_read_state(tenant_a, listing):
    with tenant_a.context():
        booking = confirmed_booking(listing=listing, customer=tenant_a.users["customer"])
    customer, provider = tenant_a.client("customer"), tenant_a.client("provider")

    sent = customer.post(
        f"/api/bookings/{booking.pk}/messages/",
        {"body": "Hi <b>there</b><script>alert(1)</script> — 2 < 3"},
        format="json",
    )

    assert sent.status_code == 201
    assert sent.json()["body"] == "Hi there — 2 < 3"
    assert sent.json()["read_at"] is None
    marked = provider.post(f"/api/bookings/{booking.pk}/messages/read/")
    assert marked.json() == {"marked": 1}
    thread = customer.get(f"/api/bookings/{booking.pk}/messages/").json()
    assert thread[0]["read_at"] is not None
    empty = customer.post(
        f"/api/bookings/{booking.pk}/messages/", {"body": "<i></i>"}, format="json"
    )
    assert (empty.status_code, list(empty.json()["fields"])) == (400, ["body"])


def test_attachments_are_private_and_sniffed(tenant_a, listing):
    with tenant_a.context():
        booking = confirmed_booking(listing=listing, customer=tenant_a.users["customer"])
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    customer = tenant_a.client("customer")

    fake = customer.post(
        f"/api/bookings/{booking.pk}/messages/",
        {"body": "see file", "attachment": SimpleUploadedFile("a.pdf", b"MZ")},
        format="multipart",
    )
    sent = customer.post(
        f"/api/bookings/{booking.pk}/messages/",
        {"body": "invoice", "attachment": SimpleUploadedFile("a.pdf", pdf)},
        format="multipart",
    )

    assert (fake.status_code, fake.json()["code"]) == (400, "file_type_not_allowed")
    assert sent.status_code == 201
    url = sent.json()["attachment_url"]
    download = tenant_a.client("provider").get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == pdf
    with tenant_a.context():
        from quartier.bookings.models import Message

        stored = Message.objects.exclude(attachment="").get()
        assert stored.attachment.name.startswith(f"t_telco/bookings/{booking.pk}/")
        assert stored.attachment.storage.exists(stored.attachment.name)
        with pytest.raises(NotImplementedError):
            stored.attachment.url  # noqa: B018  (private files have no public URL)


def test_admins_read_only_disputed_threads(tenant_a, listing):
    with tenant_a.context():
        booking = confirmed_booking(listing=listing, customer=tenant_a.users["customer"])
    tenant_a.client("customer").post(
        f"/api/bookings/{booking.pk}/messages/", {"body": "hello"}, format="json"
    )
    admin = tenant_a.client("admin")

    assert admin.get(f"/api/bookings/{booking.pk}/messages/").status_code == 404
    tenant_a.client("customer").post(
        f"/api/bookings/{booking.pk}/dispute/", {"reason": "never came"}, format="json"
    )
    thread = admin.get(f"/api/bookings/{booking.pk}/messages/")
    assert thread.status_code == 200
    assert [m["body"] for m in thread.json()] == ["hello"]
    assert (
        admin.post(
            f"/api/bookings/{booking.pk}/messages/", {"body": "x"}, format="json"
        ).status_code
        == 403
    )


def test_reviews_stay_sealed_until_both_wrote(tenant_a, listing):
    with tenant_a.context():
        booking = completed_booking(listing=listing, customer=tenant_a.users["customer"])
    customer, provider = tenant_a.client("customer"), tenant_a.client("provider")

    first = customer.post(
        f"/api/bookings/{booking.pk}/reviews/",
        {"rating": 5, "text": "Fast and friendly."},
        format="json",
    )
    assert first.status_code == 201
    assert first.json()["revealed_at"] is None
    assert provider.get(f"/api/bookings/{booking.pk}/reviews/").json() == []
    public = tenant_a.client().get(f"/api/providers/{listing.provider_id}/reviews/").json()
    assert public["results"] == []

    provider.post(f"/api/bookings/{booking.pk}/reviews/", {"rating": 4}, format="json")

    assert len(provider.get(f"/api/bookings/{booking.pk}/reviews/").json()) == 2
    public = tenant_a.client().get(f"/api/providers/{listing.provider_id}/reviews/").json()
    assert [r["rating"] for r in public["results"]] == [5]
    with tenant_a.context():
        profile = ProviderProfile.objects.get(pk=listing.provider_id)
        assert (profile.rating_count, profile.rating_sum, profile.rating_score) == (1, 5, 417)


def test_sealed_reviews_open_after_fourteen_days(tenant_a, listing):
    with tenant_a.context():
        booking = completed_booking(listing=listing, customer=tenant_a.users["customer"])
    tenant_a.client("customer").post(
        f"/api/bookings/{booking.pk}/reviews/", {"rating": 3}, format="json"
    )
    with tenant_a.context():
        assert reviews_reveal_due() == 0
        Booking.objects.filter(pk=booking.pk).update(
            completed_at=timezone.now() - timedelta(days=15)
        )
        assert reviews_reveal_due() == 1
        assert ProviderProfile.objects.get(pk=listing.provider_id).rating_count == 1


@pytest.mark.parametrize("rating", [0, 6, -1, "five", None])
def test_bad_ratings_are_refused(tenant_a, listing, rating):
    with tenant_a.context():
        booking = completed_booking(listing=listing, customer=tenant_a.users["customer"])

    response = tenant_a.client("customer").post(
        f"/api/bookings/{booking.pk}/reviews/", {"rating": rating}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["rating"]
    with tenant_a.context():
        assert not Review.objects.exists()


def test_review_rules(tenant_a, listing):
    with tenant_a.context():
        open_booking = confirmed_booking(listing=listing, customer=tenant_a.users["customer"])
    customer = tenant_a.client("customer")

    early = customer.post(f"/api/bookings/{open_booking.pk}/reviews/", {"rating": 5}, format="json")
    assert (early.status_code, early.json()["code"]) == (409, "review_not_allowed")
    with tenant_a.context():
        Booking.objects.filter(pk=open_booking.pk).update(
            status="completed", completed_at=timezone.now()
        )
    assert (
        customer.post(
            f"/api/bookings/{open_booking.pk}/reviews/", {"rating": 5}, format="json"
        ).status_code
        == 201
    )
    twice = customer.post(f"/api/bookings/{open_booking.pk}/reviews/", {"rating": 1}, format="json")
    assert (twice.status_code, twice.json()["code"]) == (409, "review_exists")
    stranger = tenant_a.client("admin").post(
        f"/api/bookings/{open_booking.pk}/reviews/", {"rating": 1}, format="json"
    )
    assert stranger.status_code == 404
    with tenant_a.context():
        assert Review.objects.count() == 1


def test_admins_hide_reviews_with_an_audited_reason(tenant_a, listing):
    with tenant_a.context():
        booking = completed_booking(listing=listing, customer=tenant_a.users["customer"])
    tenant_a.client("customer").post(
        f"/api/bookings/{booking.pk}/reviews/", {"rating": 1, "text": "Insults"}, format="json"
    )
    tenant_a.client("provider").post(
        f"/api/bookings/{booking.pk}/reviews/", {"rating": 5}, format="json"
    )
    with tenant_a.context():
        review = Review.objects.get(direction="of_provider")

    hidden = tenant_a.client("admin").post(
        f"/api/reviews/{review.pk}/hide/", {"reason": "Abusive language"}, format="json"
    )

    assert hidden.json()["is_hidden"] is True
    public = tenant_a.client().get(f"/api/providers/{listing.provider_id}/reviews/").json()
    assert public["results"] == []
    with tenant_a.context():
        entry = AuditEntry.objects.get(action="review.hide")
        assert (entry.reason, entry.after["is_hidden"]) == ("Abusive language", True)
        assert ProviderProfile.objects.get(pk=listing.provider_id).rating_count == 0
        assert Review.objects.filter(pk=review.pk).exists()
    assert (
        tenant_a.client("customer")
        .post(f"/api/reviews/{review.pk}/hide/", {"reason": "x"}, format="json")
        .status_code
        == 403
    )


def test_the_rating_prior_keeps_one_five_star_below_fifty_four_point_nines():
    one_perfect = bayesian_score(count=1, total=5)
    fifty_great = bayesian_score(count=50, total=245)  # an average of 4.9

    assert (one_perfect, fifty_great) == (417, 482)
    assert one_perfect < fifty_great
