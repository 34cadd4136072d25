"""The helper's workspace pages: the onboarding wizard (profile, vetting, first service,
done), the listings editor and the weekly hours, through the tenant's host."""

import io
from datetime import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from quartier.bookings.models import Schedule, TimeOff, WeeklyHours
from quartier.catalog.models import Listing
from quartier.providers.models import ProviderProfile, SocialLink
from quartier.trust.models import Application, Document, QuizAttempt, Step
from quartier.trust.services.vetting import quiz_set, requirement_create
from tests.catalog.factories import category, make_listing, make_provider, png_bytes

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
QUESTIONS = [
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
]


def _profile_data(**changes) -> dict:
    data = {
        "display_name": "Lea M.",
        "bio": "I set up routers.",
        "languages": ["de", "en"],
        "skills": "Sonos, printers",
        "home_postal_code": "8004",
        "service_radius_km": "12",
        "social_linkedin": "https://www.linkedin.com/in/lea",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def _photo(size=(64, 48), name="me.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(size), content_type="image/png")


def _profiles(handle):
    with handle.context():
        return list(ProviderProfile.objects.values_list("display_name", "home_postal_code"))


@pytest.fixture
def helper(tenant_a):
    """Tenant A's provider, with a profile (not vetted yet)."""
    with tenant_a.context():
        return make_provider(user=tenant_a.users["provider"], vetted=False, display_name="Lea M.")


@pytest.fixture
def rules(tenant_a):
    """Vetting rules: an identity document, then a two-question quiz (one try)."""
    with tenant_a.context():
        admin = tenant_a.users["admin"]
        identity = requirement_create(
            actor=admin,
            kind="identity_document",
            titles={"en": "Identity card", "de": "Ausweis"},
            position=0,
        )
        quiz_requirement = requirement_create(
            actor=admin, kind="quiz", titles={"en": "Router quiz"}, position=1
        )
        quiz_set(
            actor=admin,
            quiz=quiz_requirement.quiz,
            questions=QUESTIONS,
            pass_mark_percent=100,
            max_attempts=1,
        )
        questions = list(quiz_requirement.quiz.questions.prefetch_related("choices"))
        right = [next(c.pk for c in q.choices.all() if c.is_correct) for q in questions]
        wrong = [next(c.pk for c in q.choices.all() if not c.is_correct) for q in questions]
    return {"identity": identity, "quiz": quiz_requirement, "right": right, "wrong": wrong}


# --- the way in ---


def test_a_provider_without_a_profile_is_sent_to_the_wizard(tenant_a):
    client = tenant_a.session_client("provider")

    dashboard = client.get("/dashboard/provider/")
    start = client.get("/workspace/start/")

    assert (dashboard.status_code, dashboard["Location"]) == (302, "/workspace/start/")
    assert (start.status_code, start["Location"]) == (302, "/workspace/start/profile/")


def test_signing_up_to_offer_help_lands_in_the_wizard(tenant_a):
    client = tenant_a.client()

    response = client.post(
        "/accounts/signup/",
        {
            "full_name": "Nina Neu",
            "email": "nina.neu@example.ch",
            "password": "a-long-Passphrase-42",
            "role": "provider",
        },
    )

    assert (response.status_code, response["Location"]) == (302, "/workspace/start/")
    page = client.get("/workspace/start/profile/")
    assert page.status_code == 200
    assert "Step 1 of 4" in page.content.decode()


def test_the_profile_step_shows_labels_hints_and_autocomplete(tenant_a):
    page = tenant_a.session_client("provider").get("/workspace/start/profile/").content.decode()

    assert '<label for="id_display_name">Your name as customers see it</label>' in page
    assert 'autocomplete="postal-code"' in page
    assert 'autocomplete="name"' in page
    assert 'aria-describedby="id_home_postal_code-hint"' in page
    assert '<progress value="1" max="4"' in page
    # skills per category: each top category a group of its sub-categories
    assert "<legend>Internet &amp; Wi-Fi</legend>" in page
    assert "> Router setup</label>" in page


# --- step 1: profile ---


def test_the_profile_step_saves_the_profile_with_a_square_photo(tenant_a):
    client = tenant_a.session_client("provider")
    with tenant_a.context():
        router = category("router-setup")

    response = client.post(
        "/workspace/start/profile/",
        _profile_data(photo=_photo((64, 48)), categories=[str(router.pk)]),
    )

    assert (response.status_code, response["Location"]) == (302, "/workspace/start/vetting/")
    with tenant_a.context():
        profile = ProviderProfile.objects.get(user=tenant_a.users["provider"])
        links = list(SocialLink.objects.values_list("network", "url"))
        with profile.photo.open("rb") as stored:
            photo = Image.open(io.BytesIO(stored.read()))
        assert (profile.display_name, profile.home_postal_code, profile.service_radius_km) == (
            "Lea M.",
            "8004",
            12,
        )
        assert profile.languages == ["de", "en"]
        assert profile.skills == [router.name_in("en"), "Sonos", "printers"]
    assert links == [("linkedin", "https://www.linkedin.com/in/lea")]
    assert photo.size == (48, 48)
    assert photo.format == "JPEG"  # re-encoded: no transparency, so JPEG


def test_bad_profile_input_gives_words_and_saves_nothing(tenant_a):
    client = tenant_a.session_client("provider")

    response = client.post(
        "/workspace/start/profile/",
        _profile_data(display_name="  ", home_postal_code="80045", service_radius_km="500"),
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert "Enter the name customers will see." in page
    assert "Enter a Swiss postal code with 4 digits, e.g. 8004." in page
    assert "Enter at most 200 km." in page
    assert "service_radius_km:" not in page
    assert 'aria-invalid="true"' in page
    assert _profiles(tenant_a) == []


def test_an_unknown_postal_code_is_refused_by_the_service_and_nothing_is_saved(tenant_a):
    response = tenant_a.session_client("provider").post(
        "/workspace/start/profile/", _profile_data(home_postal_code="0000")
    )

    assert response.status_code == 400
    assert "Unknown postal code 0000." in response.content.decode()
    assert _profiles(tenant_a) == []


def test_a_link_to_another_network_is_refused_on_its_own_field(tenant_a):
    response = tenant_a.session_client("provider").post(
        "/workspace/start/profile/",
        _profile_data(social_linkedin="https://www.facebook.com/lea"),
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert (
        '<p id="id_social_linkedin-error" class="ws-error">This is not a link to a profile on '
        "linkedin.com. It looks like https://www.linkedin.com/in/…</p>"
    ) in page
    assert _profiles(tenant_a) == []


def test_a_file_that_is_not_an_image_saves_no_profile(tenant_a):
    fake = SimpleUploadedFile("me.png", b"not an image at all", content_type="image/png")

    response = tenant_a.session_client("provider").post(
        "/workspace/start/profile/", _profile_data(photo=fake)
    )

    assert response.status_code == 400
    assert '<p id="id_photo-error" class="ws-error">This file is not a valid image.</p>' in (
        response.content.decode()
    )
    assert _profiles(tenant_a) == []


def test_a_failing_profile_change_keeps_the_saved_profile(tenant_a, helper):
    fake = SimpleUploadedFile("me.jpg", b"GIF89a....", content_type="image/jpeg")

    response = tenant_a.session_client("provider").post(
        "/workspace/start/profile/", _profile_data(display_name="Someone Else", photo=fake)
    )

    assert response.status_code == 400
    assert _profiles(tenant_a) == [("Lea M.", "8004")]


def test_profile_errors_are_in_the_helpers_language(tenant_a):
    client = tenant_a.session_client("provider")

    response = client.post(
        "/workspace/start/profile/",
        _profile_data(service_radius_km="many"),
        HTTP_ACCEPT_LANGUAGE="de",
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert "Geben Sie eine ganze Zahl an Kilometern ein, z. B. 10." in page
    assert "Schritt 1 von 4" in page


# --- step 2: vetting ---


def test_the_vetting_step_lists_the_rules_in_order_with_their_status(tenant_a, helper, rules):
    page = tenant_a.session_client("provider").get("/workspace/start/vetting/").content.decode()

    assert "Step 2 of 4" in page
    assert page.index("Identity card") < page.index("Router quiz")
    assert page.count('<span class="ws-pill ws-pill-todo">To do</span>') == 2


def test_rejected_and_expiring_steps_say_why_and_until_when(tenant_a, helper, rules):
    from datetime import timedelta

    from django.utils import timezone

    from quartier.trust.services.vetting import application_for

    with tenant_a.context():
        application = application_for(helper)
        Step.objects.create(
            application=application,
            requirement=rules["identity"],
            status="rejected",
            reason="The photo is blurred.",
        )
        Step.objects.create(
            application=application,
            requirement=rules["quiz"],
            status="approved",
            valid_until=timezone.now() + timedelta(days=10),
        )
        expires = timezone.localtime(timezone.now() + timedelta(days=10)).strftime("%-d.%-m.%Y")

    page = tenant_a.session_client("provider").get("/workspace/start/vetting/").content.decode()

    assert '<span class="ws-pill ws-pill-bad">Rejected</span>' in page
    assert "Reason: The photo is blurred." in page
    assert f'<span class="ws-pill ws-pill-wait">Expires on {expires}</span>' in page


def test_a_document_upload_marks_the_step_submitted(tenant_a, helper, rules):
    pk = rules["identity"].pk
    upload = SimpleUploadedFile("id.pdf", PDF, content_type="application/pdf")

    response = tenant_a.session_client("provider").post(
        f"/workspace/start/vetting/{pk}/", {"file": upload}
    )

    assert (response.status_code, response["Location"]) == (302, "/workspace/start/vetting/")
    with tenant_a.context():
        assert list(Step.objects.values_list("requirement_id", "status")) == [(pk, "pending")]
        assert list(Document.objects.values_list("content_type", "size")) == [
            ("application/pdf", len(PDF))
        ]
    page = tenant_a.session_client("provider").get("/workspace/start/vetting/").content.decode()
    assert '<span class="ws-pill ws-pill-wait">Waiting for review</span>' in page


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (None, "Choose the file to upload."),
        (("id.pdf", b"hello, not a pdf"), "Upload a PDF, JPEG, PNG or WebP file."),
        (("id.pdf", png_bytes()), "This file is not a .pdf: its content is image/*."),
    ],
)
def test_a_bad_document_is_refused_and_nothing_is_stored(tenant_a, helper, rules, upload, message):
    data = {"file": SimpleUploadedFile(*upload)} if upload else {}

    response = tenant_a.session_client("provider").post(
        f"/workspace/start/vetting/{rules['identity'].pk}/", data
    )

    assert response.status_code == 400
    assert f'<p id="id_file-error" class="ws-error">{message}</p>' in response.content.decode()
    with tenant_a.context():
        assert (Document.objects.count(), Step.objects.filter(status="pending").count()) == (0, 0)


def test_the_quiz_is_one_question_per_screen_and_a_pass_approves_the_step(tenant_a, helper, rules):
    client = tenant_a.session_client("provider")
    base = f"/workspace/start/vetting/{rules['quiz'].pk}/quiz"

    first = client.get(f"{base}/1/").content.decode()
    empty = client.post(f"{base}/1/", {})
    one = client.post(f"{base}/1/", {"choice": rules["right"][0]})
    two = client.post(f"{base}/2/", {"choice": rules["right"][1]})
    result = client.get(f"{base}/result/").content.decode()

    assert "Question 1 of 2" in first
    assert "Where does the router go?" in first
    assert "2.4 or 5 GHz" not in first
    assert empty.status_code == 400
    assert "Choose one answer." in empty.content.decode()
    assert (one.status_code, one["Location"]) == (302, f"{base}/2/")
    assert (two.status_code, two["Location"]) == (302, f"{base}/result/")
    assert "Passed: 100 % correct." in result
    with tenant_a.context():
        assert list(QuizAttempt.objects.values_list("score_percent", "passed")) == [(100, True)]
        assert Step.objects.get(requirement=rules["quiz"]).status == "approved"


def test_a_failed_quiz_shows_the_result_and_the_retry_limit(tenant_a, helper, rules):
    client = tenant_a.session_client("provider")
    base = f"/workspace/start/vetting/{rules['quiz'].pk}/quiz"

    client.post(f"{base}/1/", {"choice": rules["wrong"][0]})
    client.post(f"{base}/2/", {"choice": rules["right"][1]})
    result = client.get(f"{base}/result/").content.decode()
    again = client.post(f"{base}/1/", {"choice": rules["right"][0]})

    assert "Not passed: 50 % correct, 100 % needed." in result
    assert "You have no attempts left. The team will contact you." in result
    assert again.status_code == 409
    with tenant_a.context():
        assert QuizAttempt.objects.count() == 1
        assert not Step.objects.filter(requirement=rules["quiz"], status="approved").exists()


def test_sending_the_application_needs_every_step_then_it_waits(tenant_a, helper, rules):
    client = tenant_a.session_client("provider")

    early = client.post("/workspace/start/vetting/submit/")
    with tenant_a.context():
        # The refused submission sent nothing: no application beyond a draft exists.
        assert not Application.objects.filter(provider=helper).exclude(status="draft").exists()
    client.post(
        f"/workspace/start/vetting/{rules['identity'].pk}/",
        {"file": SimpleUploadedFile("id.pdf", PDF)},
    )
    base = f"/workspace/start/vetting/{rules['quiz'].pk}/quiz"
    client.post(f"{base}/1/", {"choice": rules["right"][0]})
    client.post(f"{base}/2/", {"choice": rules["right"][1]})
    sent = client.post("/workspace/start/vetting/submit/")

    assert early.status_code == 409
    assert "Finish these steps first: Identity card, Router quiz" in early.content.decode()
    assert (sent.status_code, sent["Location"]) == (302, "/workspace/start/listing/")
    with tenant_a.context():
        assert Application.objects.get(provider=helper).status == "submitted"


def _texts(handle) -> list[tuple[str, str]]:
    """Text messages queued in the tenant's outbox (delivered after commit), oldest first."""
    from quartier.accounts.notifications import SMS
    from quartier.outbox.models import OutboxMessage

    with handle.context():
        return [
            (message.payload["to"], message.payload["text"])
            for message in OutboxMessage.objects.filter(kind=SMS).order_by("pk")
        ]


def test_the_phone_step_texts_a_code_and_confirms_the_number(tenant_a, helper):
    from quartier.accounts.models import User

    with tenant_a.context():
        rule = requirement_create(
            actor=tenant_a.users["admin"], kind="phone_verified", titles={"en": "Phone"}
        )
    client = tenant_a.session_client("provider")

    page = client.get(f"/workspace/start/vetting/{rule.pk}/").content.decode()
    bad_number = client.post("/workspace/start/vetting/phone/", {"phone-phone": "call me"})
    sent = client.post("/workspace/start/vetting/phone/", {"phone-phone": "+41 79 123 45 67"})
    code = _texts(tenant_a)[-1][1].rsplit(" ", 1)[1]
    wrong = client.post("/workspace/start/vetting/phone/confirm/", {"code-code": "12345"})
    right = client.post("/workspace/start/vetting/phone/confirm/", {"code-code": code})

    assert 'autocomplete="tel"' in page
    assert 'autocomplete="one-time-code"' in page
    assert bad_number.status_code == 400
    assert "Enter your mobile number, e.g. +41 79 123 45 67." in bad_number.content.decode()
    assert (sent.status_code, sent["Location"]) == (302, f"/workspace/start/vetting/{rule.pk}/")
    assert [to for to, _text in _texts(tenant_a)] == ["+41 79 123 45 67"]
    assert wrong.status_code == 400
    assert "Enter the 6-digit code from the text message." in wrong.content.decode()
    assert (right.status_code, right["Location"]) == (302, "/workspace/start/vetting/")
    with tenant_a.context():
        user = User.objects.get(pk=tenant_a.users["provider"].pk)
        assert user.phone == "+41 79 123 45 67"
        assert user.phone_verified_at is not None


def test_a_wrong_phone_code_is_refused_and_nothing_is_confirmed(tenant_a, helper):
    from quartier.accounts.models import User

    with tenant_a.context():
        requirement_create(
            actor=tenant_a.users["admin"], kind="phone_verified", titles={"en": "Phone"}
        )
    client = tenant_a.session_client("provider")
    client.post("/workspace/start/vetting/phone/", {"phone-phone": "+41791234567"})
    code = _texts(tenant_a)[-1][1].rsplit(" ", 1)[1]
    wrong = "000000" if code != "000000" else "111111"

    response = client.post("/workspace/start/vetting/phone/confirm/", {"code-code": wrong})

    assert response.status_code == 400
    assert "This code is not right." in response.content.decode()
    with tenant_a.context():
        assert User.objects.get(pk=tenant_a.users["provider"].pk).phone_verified_at is None


# --- step 3: the first service, and resuming ---


def _listing_data(**changes) -> dict:
    data = {
        "title": "WLAN set-up at home",
        "description": "Router and Wi-Fi.",
        "price": "60",
        "price_unit": "visit",
        "radius_km": "8",
    }
    data.update(changes)
    return data


def test_the_first_service_is_saved_as_a_draft(tenant_a, helper):
    with tenant_a.context():
        router = category("router-setup")

    response = tenant_a.session_client("provider").post(
        "/workspace/start/listing/", _listing_data(category=router.pk, price="45.50")
    )

    assert (response.status_code, response["Location"]) == (302, "/workspace/start/done/")
    with tenant_a.context():
        assert list(
            Listing.objects.values_list(
                "title", "category_id", "price_amount_minor", "price_currency", "price_unit"
            )
        ) == [("WLAN set-up at home", router.pk, 4550, "CHF", "visit")]
        assert Listing.objects.get().status == "draft"
        assert Listing.objects.get().radius_km == 8


@pytest.mark.parametrize(
    ("changes", "messages"),
    [
        (
            {"title": "", "price": "", "category": ""},
            [
                "Enter a title for your service.",
                "Enter your price, e.g. 60.",
                "Choose the category customers will find it in.",
            ],
        ),
        ({"price": "sixty"}, ["Enter the price as a number, e.g. 60 or 45.50."]),
        ({"price": "-5"}, ["Enter a price above zero."]),
        ({"price": "12.345"}, ["Enter the price with at most 2 decimals (rappen)."]),
        ({"price_unit": "day"}, ["Choose how the price counts."]),
        ({"radius_km": "0"}, ["Enter at least 1 km."]),
    ],
)
def test_bad_service_input_gives_words_and_saves_nothing(tenant_a, helper, changes, messages):
    with tenant_a.context():
        changes.setdefault("category", category("router-setup").pk)

    response = tenant_a.session_client("provider").post(
        "/workspace/start/listing/", _listing_data(**changes)
    )

    page = response.content.decode()
    assert response.status_code == 400
    for message in messages:
        assert message in page
    assert "price_amount_minor" not in page
    with tenant_a.context():
        assert Listing.objects.count() == 0


def test_the_wizard_resumes_where_the_helper_stopped(tenant_a, helper, rules):
    client = tenant_a.session_client("provider")
    with tenant_a.context():
        make_listing(provider=helper, publish=False)

    start = client.get("/workspace/start/")
    dashboard = client.get("/dashboard/provider/").content.decode()
    again = client.get("/workspace/start/listing/").content.decode()

    assert (start.status_code, start["Location"]) == (302, "/workspace/start/vetting/")
    assert "2 of 4 done: upload your document “Identity card”" in dashboard
    assert f'href="/workspace/start/vetting/{rules["identity"].pk}/"' in dashboard
    # coming back to the listing step edits the first service instead of adding one
    assert 'value="WLAN setup"' in again


def test_a_vetted_helper_flagged_for_re_vetting_sees_the_open_step(tenant_a, helper, rules):
    from datetime import timedelta

    from django.utils import timezone

    with tenant_a.context():
        ProviderProfile.objects.filter(pk=helper.pk).update(is_vetted=True)
        make_listing(provider=helper, publish=False)
        Application.objects.create(
            provider=helper,
            status="draft",
            revetting_deadline=timezone.now() + timedelta(days=30),
        )

    dashboard = tenant_a.session_client("provider").get("/dashboard/provider/").content.decode()

    assert "2 of 4 done: upload your document “Identity card”" in dashboard


def test_a_done_wizard_shows_the_summary(tenant_a, helper):
    with tenant_a.context():
        make_listing(provider=helper, publish=False, title="Box hookup")
        application = Application.objects.create(provider=helper, status="submitted")
        assert application.pk

    start = tenant_a.session_client("provider").get("/workspace/start/")
    page = tenant_a.session_client("provider").get("/workspace/start/done/").content.decode()

    assert (start.status_code, start["Location"]) == (302, "/workspace/start/done/")
    assert "Step 4 of 4" in page
    assert "Box hookup" in page
    assert "Waiting for review" in page


# --- the listings editor ---


def test_the_listings_page_shows_status_pills(tenant_a, helper):
    with tenant_a.context():
        ProviderProfile.objects.filter(pk=helper.pk).update(is_vetted=True)
        make_listing(provider=helper, title="Online one")
        make_listing(provider=helper, title="Draft one", publish=False)

    page = tenant_a.session_client("provider").get("/workspace/listings/").content.decode()

    assert '<span class="ws-pill ws-pill-ok">Online</span>' in page
    assert '<span class="ws-pill ws-pill-todo">Draft</span>' in page
    assert "CHF\u00a060.00 <span>per hour</span>" in page


def test_publishing_before_vetting_is_refused_in_words(tenant_a, helper):
    with tenant_a.context():
        listing = make_listing(provider=helper, publish=False)

    response = tenant_a.session_client("provider").post(
        f"/workspace/listings/{listing.pk}/status/", {"action": "publish"}
    )

    assert response.status_code == 403
    assert "Your service can go online once your vetting is approved." in (
        response.content.decode()
    )
    with tenant_a.context():
        assert Listing.objects.get(pk=listing.pk).status == "draft"


def test_publish_pause_edit_and_delete(tenant_a, helper):
    client = tenant_a.session_client("provider")
    with tenant_a.context():
        ProviderProfile.objects.filter(pk=helper.pk).update(is_vetted=True)
        listing = make_listing(provider=helper, publish=False)
        tv = category("tv-box")

    published = client.post(f"/workspace/listings/{listing.pk}/status/", {"action": "publish"})
    with tenant_a.context():
        assert Listing.objects.get(pk=listing.pk).status == "published"
    paused = client.post(
        f"/workspace/listings/{listing.pk}/status/", {"action": "pause", "return_to": "done"}
    )
    with tenant_a.context():
        assert Listing.objects.get(pk=listing.pk).status == "paused"
    edited = client.post(
        f"/workspace/listings/{listing.pk}/",
        _listing_data(title="TV box", category=tv.pk, price="80", price_unit="fixed"),
    )
    with tenant_a.context():
        assert list(
            Listing.objects.values_list("title", "category_id", "price_amount_minor", "price_unit")
        ) == [("TV box", tv.pk, 8000, "fixed")]
    deleted = client.post(f"/workspace/listings/{listing.pk}/delete/")

    assert (published.status_code, published["Location"]) == (302, "/workspace/listings/")
    assert (paused.status_code, paused["Location"]) == (302, "/workspace/start/done/")
    assert (edited.status_code, edited["Location"]) == (302, "/workspace/listings/")
    assert (deleted.status_code, deleted["Location"]) == (302, "/workspace/listings/")
    with tenant_a.context():
        assert Listing.objects.count() == 0


def test_a_bad_edit_leaves_the_listing_unchanged(tenant_a, helper):
    with tenant_a.context():
        listing = make_listing(provider=helper, publish=False)

    response = tenant_a.session_client("provider").post(
        f"/workspace/listings/{listing.pk}/",
        _listing_data(title="New title", category=listing.category_id, price="0"),
    )

    assert response.status_code == 400
    assert "Enter a price above zero." in response.content.decode()
    with tenant_a.context():
        assert list(Listing.objects.values_list("title", "price_amount_minor")) == [
            ("WLAN setup", 6000)
        ]


# --- weekly hours and time off ---


def _hours(**fields) -> dict:
    return {"lead_time_minutes": "240", "buffer_minutes": "30", **fields}


def test_weekly_hours_are_saved_with_notice_and_break(tenant_a, helper):
    response = tenant_a.session_client("provider").post(
        "/workspace/hours/",
        _hours(
            d0_0_starts="08:00",
            d0_0_ends="12:00",
            d0_1_starts="13:00",
            d0_1_ends="17:30",
            d5_0_starts="09:00",
            d5_0_ends="12:00",
        ),
    )

    assert (response.status_code, response["Location"]) == (302, "/workspace/hours/")
    with tenant_a.context():
        assert list(WeeklyHours.objects.values_list("weekday", "starts", "ends")) == [
            (0, time(8), time(12)),
            (0, time(13), time(17, 30)),
            (5, time(9), time(12)),
        ]
        schedule = Schedule.objects.get(provider=helper)
        assert (schedule.lead_time_minutes, schedule.buffer_minutes) == (240, 30)
    page = tenant_a.session_client("provider").get("/workspace/hours/").content.decode()
    assert 'name="d0_1_ends" value="17:30"' in page


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"d1_0_starts": "12:00", "d1_0_ends": "08:00"}, "Each period must end after it starts."),
        ({"d1_0_starts": "08:00"}, "Give both a start and an end."),
        ({"d1_0_starts": "8 Uhr", "d1_0_ends": "12:00"}, "Enter a time like 08:30."),
        (
            {"d1_0_starts": "08:00", "d1_0_ends": "12:00", "d1_1_starts": "11:00"}
            | {"d1_1_ends": "13:00"},
            "Periods of one day overlap.",
        ),
    ],
)
def test_bad_hours_are_refused_and_the_old_ones_kept(tenant_a, helper, fields, message):
    with tenant_a.context():
        WeeklyHours.objects.create(provider=helper, weekday=2, starts=time(9), ends=time(17))

    response = tenant_a.session_client("provider").post("/workspace/hours/", _hours(**fields))

    assert response.status_code == 400
    assert message in response.content.decode()
    with tenant_a.context():
        assert list(WeeklyHours.objects.values_list("weekday", "starts", "ends")) == [
            (2, time(9), time(17))
        ]


def test_time_off_is_added_as_whole_days_and_removed(tenant_a, helper):
    client = tenant_a.session_client("provider")

    added = client.post(
        "/workspace/hours/time-off/",
        {"off-first_day": "2030-12-24", "off-last_day": "2030-12-26", "off-note": "Christmas"},
    )
    with tenant_a.context():
        period = TimeOff.objects.get()
        assert (period.starts_at.isoformat(), period.ends_at.isoformat(), period.note) == (
            "2030-12-23T23:00:00+00:00",
            "2030-12-26T23:00:00+00:00",
            "Christmas",
        )
    page = client.get("/workspace/hours/").content.decode()
    removed = client.post(f"/workspace/hours/time-off/{period.pk}/delete/")

    assert (added.status_code, added["Location"]) == (302, "/workspace/hours/")
    assert "Christmas" in page
    assert (removed.status_code, removed["Location"]) == (302, "/workspace/hours/")
    with tenant_a.context():
        assert TimeOff.objects.count() == 0


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"off-first_day": "2030-12-24", "off-last_day": "2030-12-20"}, "The end must come"),
        ({"off-first_day": "", "off-last_day": "2030-12-20"}, "Enter the first day you are away."),
        ({"off-first_day": "24/12", "off-last_day": "2030-12-20"}, "Enter a date like 24.12.2026."),
    ],
)
def test_bad_time_off_is_refused(tenant_a, helper, fields, message):
    response = tenant_a.session_client("provider").post("/workspace/hours/time-off/", fields)

    assert response.status_code == 400
    assert message in response.content.decode()
    with tenant_a.context():
        assert TimeOff.objects.count() == 0
