"""Vetting end to end, through the API: rules -> application -> approval -> badge in
search -> rules change -> re-vetting flag -> deadline."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.utils import timezone

from quartier.accounts import sms
from quartier.accounts.models import User
from quartier.catalog.models import Listing
from quartier.marketplace.models import AuditEntry
from quartier.providers.models import ProviderProfile
from quartier.trust.models import Application, Document, Quiz, QuizAttempt, Step
from quartier.trust.services.vetting import revetting_enforce_due
from tests.catalog.factories import make_listing, make_provider

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
QUIZ = {
    "pass_mark_percent": 50,
    "max_attempts": 2,
    "questions": [
        {
            "text": "Where does the router go?",
            "choices": [
                {"text": "In a cupboard", "is_correct": False},
                {"text": "Central and open", "is_correct": True},
            ],
        },
        {
            "text": "2.4 or 5 GHz for range?",
            "choices": [
                {"text": "2.4 GHz", "is_correct": True},
                {"text": "5 GHz", "is_correct": False},
            ],
        },
    ],
}


@pytest.fixture
def helper(tenant_a):
    """The provider of tenant A, unvetted, with a draft listing."""
    with tenant_a.context():
        profile = make_provider(user=tenant_a.users["provider"], vetted=False, postal_code="8004")
        listing = make_listing(provider=profile, title="WLAN setup", publish=False)
    return profile, listing


def _define_rules(admin):
    identity = admin.post(
        "/api/vetting/rules/",
        {
            "kind": "identity_document",
            "titles": {"en": "Identity card", "de": "Ausweis"},
            "position": 0,
        },
        format="json",
    )
    quiz = admin.post(
        "/api/vetting/rules/",
        {"kind": "quiz", "titles": {"en": "WLAN basics"}, "position": 1},
        format="json",
    )
    email = admin.post(
        "/api/vetting/rules/",
        {"kind": "email_verified", "titles": {"en": "Verified email"}, "position": 2},
        format="json",
    )
    assert (identity.status_code, quiz.status_code, email.status_code) == (201, 201, 201)
    assert (
        admin.put(f"/api/vetting/rules/{quiz.json()['id']}/quiz/", QUIZ, format="json").status_code
        == 200
    )
    return identity.json(), quiz.json(), email.json()


def _verify_email(handle, client):
    with TestCase.captureOnCommitCallbacks(execute=True):  # the mail leaves after commit
        client.post("/api/me/email/verify/")
    link = next(line for line in mail.outbox[-1].body.splitlines() if "/verify-email/" in line)
    path = link.removeprefix("http://telco.localhost")
    assert handle.client().get(path).status_code == 200  # opening the link asks first
    with handle.context():
        assert User.objects.get(email=mail.outbox[-1].to[0]).email_verified_at is None
    assert handle.client().post(path).status_code == 200


def _pass_quiz(client, quiz_id):
    quiz = client.get(f"/api/vetting/quizzes/{quiz_id}/").json()
    assert "is_correct" not in str(quiz)
    answers = {
        str(q["id"]): next(
            c["id"] for c in q["choices"] if c["text"] in ("Central and open", "2.4 GHz")
        )
        for q in quiz["questions"]
    }
    return client.post(
        f"/api/vetting/quizzes/{quiz_id}/attempts/", {"answers": answers}, format="json"
    )


def test_rules_application_approval_badge_in_search_then_re_vetting(
    tenant_a, helper, django_capture_on_commit_callbacks
):
    profile, listing = helper
    admin, provider = tenant_a.client("admin"), tenant_a.client("provider")
    identity, quiz_rule, _ = _define_rules(admin)

    # the provider sees what is required
    mine = provider.get("/api/vetting/application/").json()
    assert [(step["requirement"]["kind"], step["status"]) for step in mine["steps"]] == [
        ("identity_document", "missing"),
        ("quiz", "missing"),
        ("email_verified", "missing"),
    ]
    early = provider.post("/api/vetting/application/submit/")
    assert (early.status_code, early.json()["code"]) == (409, "application_incomplete")

    # and completes it
    upload = provider.post(
        f"/api/vetting/rules/{identity['id']}/documents/",
        {"file": SimpleUploadedFile("id.pdf", PDF)},
        format="multipart",
    )
    assert upload.status_code == 201
    assert _pass_quiz(provider, quiz_rule["quiz"]["id"]).json() == {
        "score_percent": 100,
        "passed": True,
    }
    _verify_email(tenant_a, provider)
    submitted = provider.post("/api/vetting/application/submit/").json()
    assert submitted["status"] == "submitted"
    assert [s["status"] for s in submitted["steps"]] == ["pending", "approved", "approved"]

    # the admin reviews the document and approves
    application_id = submitted["id"]
    queue = admin.get("/api/vetting/applications/?status=submitted").json()["results"]
    assert [a["id"] for a in queue] == [application_id]
    document_id = submitted["steps"][0]["documents"][0]["id"]
    link = admin.get(f"/api/vetting/documents/{document_id}/link/").json()
    assert tenant_a.session_client("admin").get(link["url"]).status_code == 200
    not_yet = admin.post(
        f"/api/vetting/applications/{application_id}/decide/",
        {"decision": "approve"},
        format="json",
    )
    assert not_yet.status_code == 409
    admin.post(
        f"/api/vetting/applications/{application_id}/steps/{identity['id']}/review/",
        {"decision": "approve", "reason": "Matches the profile."},
        format="json",
    )
    with django_capture_on_commit_callbacks(execute=True):
        approved = admin.post(
            f"/api/vetting/applications/{application_id}/decide/",
            {"decision": "approve", "reason": "Welcome!"},
            format="json",
        )
    assert approved.json()["status"] == "approved"
    assert "approved" in mail.outbox[-1].body

    # vetted: the listing can be published and carries the badge in search
    assert provider.post(f"/api/listings/{listing.pk}/publish/").status_code == 200
    results = (
        tenant_a.client()
        .get("/api/listings/search/", {"q": "WLAN", "postal_code": "8003", "badge": "vetted"})
        .json()["results"]
    )
    assert [(r["id"], r["provider"]["badges"]) for r in results] == [(listing.pk, ["vetted"])]

    # the rules change: flagged with a deadline, still vetted for now
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(
            "/api/vetting/rules/",
            {
                "kind": "criminal_record",
                "validity_days": 365,
                "titles": {"en": "Criminal-record extract"},
            },
            format="json",
        )
    flagged = provider.get("/api/vetting/application/").json()
    assert flagged["revetting_deadline"] is not None
    assert flagged["provider"]["is_vetted"] is True
    assert "Please complete the new steps" in mail.outbox[-1].body
    with tenant_a.context():
        assert revetting_enforce_due() == 0
        deadline = Application.objects.get(pk=application_id).revetting_deadline
        assert revetting_enforce_due(now=deadline + timedelta(seconds=1)) == 1
        profile.refresh_from_db()
        assert profile.is_vetted is False
        assert Listing.objects.get(pk=listing.pk).badge_slugs == []
        actions = list(AuditEntry.objects.order_by("id").values_list("action", flat=True))
    assert actions[-3:] == ["vetting.revetting_flag", "badge.revoke", "vetting.revetting_lapsed"]
    assert "vetting.approve" in actions
    assert "badge.award" in actions


def test_rejections_carry_a_reason_to_the_provider(
    tenant_a, helper, django_capture_on_commit_callbacks
):
    admin, provider = tenant_a.client("admin"), tenant_a.client("provider")
    identity, _, _ = _define_rules(admin)
    provider.post(
        f"/api/vetting/rules/{identity['id']}/documents/",
        {"file": SimpleUploadedFile("id.pdf", PDF)},
        format="multipart",
    )
    application_id = provider.get("/api/vetting/application/").json()["id"]

    without_reason = admin.post(
        f"/api/vetting/applications/{application_id}/steps/{identity['id']}/review/",
        {"decision": "reject"},
        format="json",
    )
    with django_capture_on_commit_callbacks(execute=True):
        rejected = admin.post(
            f"/api/vetting/applications/{application_id}/steps/{identity['id']}/review/",
            {"decision": "reject", "reason": "The photo is unreadable."},
            format="json",
        )

    assert (without_reason.status_code, list(without_reason.json()["fields"])) == (400, ["reason"])
    assert rejected.json()["steps"][0]["status"] == "rejected"
    assert rejected.json()["steps"][0]["reason"] == "The photo is unreadable."
    assert "The photo is unreadable." in mail.outbox[-1].body


def test_quiz_attempts_are_limited_and_scored_on_the_server(tenant_a, helper):
    _, quiz_rule, _ = _define_rules(tenant_a.client("admin"))
    provider = tenant_a.client("provider")
    quiz_id = quiz_rule["quiz"]["id"]
    quiz = provider.get(f"/api/vetting/quizzes/{quiz_id}/").json()
    wrong = {
        str(q["id"]): next(
            c["id"] for c in q["choices"] if c["text"] not in ("Central and open", "2.4 GHz")
        )
        for q in quiz["questions"]
    }

    first = provider.post(
        f"/api/vetting/quizzes/{quiz_id}/attempts/", {"answers": wrong}, format="json"
    )
    partial = provider.post(
        f"/api/vetting/quizzes/{quiz_id}/attempts/",
        {"answers": dict(list(wrong.items())[:1])},
        format="json",
    )
    second = provider.post(
        f"/api/vetting/quizzes/{quiz_id}/attempts/", {"answers": wrong}, format="json"
    )
    third = provider.post(
        f"/api/vetting/quizzes/{quiz_id}/attempts/", {"answers": wrong}, format="json"
    )

    assert first.json() == {"score_percent": 0, "passed": False}
    assert (partial.status_code, list(partial.json()["fields"])) == (400, ["answers"])
    assert second.status_code == 201
    assert (third.status_code, third.json()["code"]) == (409, "quiz_locked")
    with tenant_a.context():
        assert QuizAttempt.objects.count() == 2


def test_another_tenants_quiz_answers_are_a_404(tenant_a, tenant_b):
    with tenant_a.context():
        make_provider(user=tenant_a.users["provider"], vetted=False)
    with tenant_b.context():
        make_provider(user=tenant_b.users["provider"], vetted=False)
    _, quiz_rule, _ = _define_rules(tenant_a.client("admin"))
    quiz_id = quiz_rule["quiz"]["id"]

    response = tenant_b.client("provider").post(
        f"/api/vetting/quizzes/{quiz_id}/attempts/", {"answers": {"1": 1, "2": 3}}, format="json"
    )

    assert response.status_code == 404
    with tenant_b.context():
        assert not QuizAttempt.objects.exists()
        assert not Quiz.objects.exists()


def test_an_admin_cannot_approve_their_own_application(tenant_a):
    with tenant_a.context():
        own = make_provider(user=tenant_a.users["admin"], vetted=False)
        Application.objects.create(provider=own, status="submitted", submitted_at=timezone.now())
        application = Application.objects.get(provider=own)

    response = tenant_a.client("admin").post(
        f"/api/vetting/applications/{application.pk}/decide/",
        {"decision": "approve"},
        format="json",
    )

    assert response.status_code == 403
    with tenant_a.context():
        assert Application.objects.get(pk=application.pk).status == "submitted"
        assert ProviderProfile.objects.get(pk=own.pk).is_vetted is False


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("passport.png", PDF, "file_type_mismatch"),
        ("record.pdf", b"\x00" * (50 * 1024 * 1024), "file_too_large"),
        ("malware.pdf", b"MZ\x90\x00 executable", "file_type_not_allowed"),
    ],
)
def test_bad_documents_are_refused_and_nothing_is_stored(tenant_a, helper, name, content, code):
    identity, _, _ = _define_rules(tenant_a.client("admin"))

    response = tenant_a.client("provider").post(
        f"/api/vetting/rules/{identity['id']}/documents/",
        {"file": SimpleUploadedFile(name, content)},
        format="multipart",
    )

    assert response.status_code == 400
    assert response.json()["code"] == code
    with tenant_a.context():
        assert not Document.objects.exists()
        assert not Step.objects.filter(status="pending").exists()


def test_a_decompression_bomb_document_is_refused(tenant_a, helper):
    from tests.platform.test_uploads import _png_claiming

    identity, _, _ = _define_rules(tenant_a.client("admin"))

    response = tenant_a.client("provider").post(
        f"/api/vetting/rules/{identity['id']}/documents/",
        {"file": SimpleUploadedFile("id.png", _png_claiming(60_000, 60_000))},
        format="multipart",
    )

    assert (response.status_code, response.json()["code"]) == (400, "image_too_large")
    with tenant_a.context():
        assert not Document.objects.exists()


def test_phone_verification_by_code(tenant_a, helper):
    provider = tenant_a.client("provider")
    provider.patch("/api/me/", {"phone": "+41 79 123 45 67"}, format="json")
    sms.outbox.clear()

    with TestCase.captureOnCommitCallbacks(execute=True):  # the text leaves after commit
        provider.post("/api/me/phone/verify/")
    code = sms.outbox[-1][1].split()[-1]
    wrong = provider.post(
        "/api/me/phone/confirm/",
        {"code": "000000" if code != "000000" else "111111"},
        format="json",
    )
    right = provider.post("/api/me/phone/confirm/", {"code": code}, format="json")

    assert sms.outbox[-1][0] == "+41 79 123 45 67"
    assert (wrong.status_code, list(wrong.json()["fields"])) == (400, ["code"])
    assert right.json()["phone_verified_at"] is not None


def test_suspension_hides_listings_and_flags_future_bookings(tenant_a):
    from tests.bookings.factories import bookable_listing, confirmed_booking

    with tenant_a.context():
        listing = bookable_listing(provider=make_provider(user=tenant_a.users["provider"]))
        booking = confirmed_booking(listing=listing, customer=tenant_a.users["customer"])
    admin = tenant_a.client("admin")

    no_reason = admin.post(f"/api/providers/{listing.provider_id}/suspend/", {}, format="json")
    suspended = admin.post(
        f"/api/providers/{listing.provider_id}/suspend/", {"reason": "Complaints"}, format="json"
    )

    assert (no_reason.status_code, list(no_reason.json()["fields"])) == (400, ["reason"])
    assert suspended.json() == {"id": listing.provider_id, "is_suspended": True}
    found = tenant_a.client().get("/api/listings/search/", {"postal_code": "8004"}).json()
    assert found["results"] == []
    with tenant_a.context():
        assert booking.__class__.objects.get(pk=booking.pk).needs_attention is True
        entry = AuditEntry.objects.get(action="provider.suspend")
        assert (entry.reason, entry.after["future_bookings_flagged"]) == ("Complaints", 1)
    admin.post(f"/api/providers/{listing.provider_id}/unsuspend/", {}, format="json")
    assert (
        tenant_a.client().get("/api/listings/search/", {"postal_code": "8004"}).json()["results"]
        != []
    )
