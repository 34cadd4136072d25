"""The workspace pages in the isolation matrix (see tests/tenancy/matrix.py).

Pages without an id in the URL (the wizard's steps, the hours) answer B's helper with B's
own data: there the check is that A's marker never shows and A's rows never change.
"""

from django.core.files.uploadedfile import SimpleUploadedFile

from quartier.accounts.models import User
from quartier.bookings.models import TimeOff, WeeklyHours
from quartier.bookings.services.schedule import time_off_add
from quartier.catalog.models import Listing, ListingPhoto
from quartier.catalog.services.listings import listing_photos_add
from quartier.providers.models import ProviderProfile, SocialLink
from quartier.trust.models import Application, Document, Quiz, QuizAttempt
from quartier.trust.services.vetting import quiz_attempt, quiz_set, requirement_create
from tests.bookings.factories import next_local
from tests.catalog.factories import category, make_listing, png_bytes, tenant_provider
from tests.tenancy.matrix import MARKER, Endpoint
from tests.workspace.isolation_calendar import ENDPOINTS as CALENDAR_ENDPOINTS
from tests.workspace.isolation_payouts import ENDPOINTS as PAYOUT_ENDPOINTS
from tests.workspace.isolation_tasks import ENDPOINTS as TASK_ENDPOINTS

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _other_tenant_provider(handle):
    tenant_provider(handle, display_name="Other tenant's helper")


def _profile(handle):
    tenant_provider(handle, display_name=MARKER)
    return {"marker": MARKER}


def _listing(handle):
    listing = make_listing(provider=tenant_provider(handle, display_name=MARKER), title=MARKER)
    return {"pk": listing.pk, "marker": MARKER, "category": listing.category_id}


def _listing_photo(handle):
    params = _listing(handle)
    listing = Listing.objects.get(pk=params["pk"])
    photo = listing_photos_add(
        listing=listing,
        uploads=[
            SimpleUploadedFile("a.png", png_bytes()),
            SimpleUploadedFile("b.png", png_bytes()),
        ],
    )[1]
    return {**params, "photo_id": photo.pk}


def _photo_state(handle):
    with handle.context():
        return list(ListingPhoto.objects.values_list("pk", "listing_id", "position", "image"))


def _new_listing(handle):
    tenant_provider(handle, display_name=MARKER)
    return {"marker": MARKER, "category": category().pk}


def _document_rule(handle):
    tenant_provider(handle, display_name=MARKER)
    requirement = requirement_create(
        actor=handle.users["admin"], kind="identity_document", titles={"en": MARKER}
    )
    return {"pk": requirement.pk, "marker": MARKER}


def _quiz_rule(handle):
    tenant_provider(handle, display_name=MARKER)
    requirement = requirement_create(
        actor=handle.users["admin"], kind="quiz", titles={"en": MARKER}
    )
    quiz_set(
        actor=handle.users["admin"],
        quiz=requirement.quiz,
        questions=[
            {
                "text": MARKER,
                "choices": [{"text": "yes", "is_correct": True}, {"text": "no"}],
            }
        ],
        pass_mark_percent=100,
        max_attempts=3,
    )
    question = requirement.quiz.questions.get()
    right = question.choices.get(is_correct=True)
    return {"pk": requirement.pk, "marker": MARKER, "quiz": requirement.quiz.pk, "right": right.pk}


def _quiz_attempted(handle):
    params = _quiz_rule(handle)
    quiz = Quiz.objects.get(pk=params["quiz"])
    quiz_attempt(
        provider=tenant_provider(handle, display_name=MARKER),
        quiz=quiz,
        answers={str(quiz.questions.get().pk): params["right"]},
    )
    return params


def _phone_rule(handle):
    tenant_provider(handle, display_name=MARKER)
    requirement_create(actor=handle.users["admin"], kind="phone_verified", titles={"en": MARKER})
    return {"marker": MARKER}


def _phone_code(handle):
    from quartier.accounts.notifications import SMS
    from quartier.accounts.services import phone_verification_send, user_update_profile
    from quartier.outbox.models import OutboxMessage

    params = _phone_rule(handle)
    user = handle.users["provider"]
    user_update_profile(user=user, phone="+41791234567")
    phone_verification_send(user=user)
    text = OutboxMessage.objects.filter(kind=SMS).latest("pk").payload["text"]
    return {**params, "code": text.rsplit(" ", 1)[1]}


def _phone_state(handle):
    with handle.context():
        return list(User.objects.order_by("pk").values_list("pk", "phone", "phone_verified_at"))


def _time_off(handle):
    period = time_off_add(
        provider=tenant_provider(handle, display_name=MARKER),
        starts_at=next_local(8),
        ends_at=next_local(18),
        note=MARKER,
    )
    return {"pk": period.pk, "marker": MARKER}


def _profile_state(handle):
    with handle.context():
        return (
            list(ProviderProfile.objects.values_list("pk", "display_name", "bio", "photo")),
            list(SocialLink.objects.values_list("url", flat=True)),
        )


def _listing_state(handle):
    with handle.context():
        return list(Listing.objects.values_list("pk", "title", "status", "price_amount_minor"))


def _application_state(handle):
    with handle.context():
        return list(Application.objects.values_list("pk", "status"))


def _document_state(handle):
    with handle.context():
        return list(Document.objects.values_list("pk", "step__status"))


def _attempt_state(handle):
    with handle.context():
        return list(QuizAttempt.objects.values_list("pk", "score_percent"))


def _hours_state(handle):
    with handle.context():
        return (
            list(WeeklyHours.objects.values_list("provider_id", "weekday", "starts", "ends")),
            list(TimeOff.objects.values_list("pk", "note")),
        )


def _profile_body(params):
    return {
        "display_name": "Somebody Else",
        "home_postal_code": "8004",
        "service_radius_km": "10",
        "social_linkedin": "https://www.linkedin.com/in/somebody",
        "photo": SimpleUploadedFile("me.png", png_bytes()),
    }


def _listing_body(params):
    return {
        "title": "Overwritten",
        "category": params["category"],
        "price": "99",
        "price_unit": "hour",
        "radius_km": "5",
    }


def _page(route, **fields) -> Endpoint:
    fields.setdefault("actor", "provider")
    fields.setdefault("make_other", _other_tenant_provider)
    return Endpoint(route, is_api=False, **fields)


ENDPOINTS = [
    _page("workspace/start/", make=_profile, ok=302, cross=302),
    _page("workspace/start/profile/", make=_profile, cross=200),
    _page(
        "workspace/start/profile/",
        method="post",
        label="photo",
        make=_profile,
        body=_profile_body,
        ok=302,
        cross=302,
        state=_profile_state,
    ),
    _page("workspace/start/vetting/", make=_document_rule, cross=200),
    _page(
        "workspace/start/vetting/submit/",
        method="post",
        make=_profile,
        ok=302,
        cross=302,
        state=_application_state,
    ),
    _page("workspace/start/vetting/email/", method="post", make=_profile, ok=302, cross=302),
    _page(
        "workspace/start/vetting/phone/",
        method="post",
        make=_phone_rule,
        body=lambda p: {"phone-phone": "+41 79 765 43 21"},
        ok=302,
        cross=302,
        state=_phone_state,
    ),
    _page(
        "workspace/start/vetting/phone/confirm/",
        method="post",
        make=_phone_code,
        body=lambda p: {"code-code": p["code"]},
        ok=302,
        # B has no phone step (404); with one, the code would be refused (no code sent).
        cross=(400, 404),
        state=_phone_state,
    ),
    _page(
        "workspace/start/vetting/<int:pk>/",
        path="/workspace/start/vetting/{pk}/",
        make=_document_rule,
    ),
    _page(
        "workspace/start/vetting/<int:pk>/",
        method="post",
        label="document",
        path="/workspace/start/vetting/{pk}/",
        make=_document_rule,
        body=lambda p: {"file": SimpleUploadedFile("id.pdf", PDF)},
        ok=302,
        state=_document_state,
    ),
    _page(
        "workspace/start/vetting/<int:pk>/quiz/<int:number>/",
        path="/workspace/start/vetting/{pk}/quiz/1/",
        make=_quiz_rule,
    ),
    _page(
        "workspace/start/vetting/<int:pk>/quiz/<int:number>/",
        method="post",
        label="answer",
        path="/workspace/start/vetting/{pk}/quiz/1/",
        make=_quiz_rule,
        body=lambda p: {"choice": p["right"]},
        ok=302,
        state=_attempt_state,
    ),
    _page(
        "workspace/start/vetting/<int:pk>/quiz/result/",
        path="/workspace/start/vetting/{pk}/quiz/result/",
        make=_quiz_attempted,
    ),
    _page("workspace/start/listing/", make=_listing, cross=200),
    _page(
        "workspace/start/listing/",
        method="post",
        label="first",
        make=_listing,
        body=_listing_body,
        ok=302,
        cross=302,
        state=_listing_state,
    ),
    _page("workspace/start/done/", make=_listing, cross=200),
    _page("workspace/listings/", make=_listing, cross=200),
    _page("workspace/listings/new/", make=_listing, cross=200),
    _page(
        "workspace/listings/new/",
        method="post",
        label="create",
        make=_new_listing,
        body=_listing_body,
        ok=302,
        cross=302,
        state=_listing_state,
    ),
    _page("workspace/listings/<int:pk>/", path="/workspace/listings/{pk}/", make=_listing),
    _page(
        "workspace/listings/<int:pk>/",
        method="post",
        label="edit",
        path="/workspace/listings/{pk}/",
        make=_listing,
        body=_listing_body,
        ok=302,
        state=_listing_state,
    ),
    _page(
        "workspace/listings/<int:pk>/status/",
        method="post",
        path="/workspace/listings/{pk}/status/",
        make=_listing,
        body=lambda p: {"action": "pause"},
        ok=302,
        state=_listing_state,
    ),
    _page(
        "workspace/listings/<int:pk>/delete/",
        method="post",
        path="/workspace/listings/{pk}/delete/",
        make=_listing,
        ok=302,
        state=_listing_state,
    ),
    _page(
        "workspace/listings/<int:pk>/photos/",
        method="post",
        path="/workspace/listings/{pk}/photos/",
        make=_listing,
        body=lambda p: {"photos": SimpleUploadedFile("c.png", png_bytes())},
        ok=302,
        state=_photo_state,
    ),
    _page(
        "workspace/listings/<int:pk>/photos/order/",
        method="post",
        path="/workspace/listings/{pk}/photos/order/",
        make=_listing_photo,
        body=lambda p: {"order": f"{p['photo_id']},{p['photo_id'] - 1}"},
        ok=302,
        state=_photo_state,
    ),
    _page(
        "workspace/listings/<int:pk>/photos/<int:photo_id>/move/",
        method="post",
        path="/workspace/listings/{pk}/photos/{photo_id}/move/",
        make=_listing_photo,
        body=lambda p: {"direction": "up"},
        ok=302,
        state=_photo_state,
    ),
    _page(
        "workspace/listings/<int:pk>/photos/<int:photo_id>/delete/",
        method="post",
        path="/workspace/listings/{pk}/photos/{photo_id}/delete/",
        make=_listing_photo,
        ok=302,
        state=_photo_state,
    ),
    _page("workspace/hours/", make=_time_off, cross=200),
    _page(
        "workspace/hours/",
        method="post",
        label="weekly",
        make=_time_off,
        body=lambda p: {
            "lead_time_minutes": "60",
            "buffer_minutes": "15",
            "d0_0_starts": "08:00",
            "d0_0_ends": "12:00",
        },
        ok=302,
        cross=302,
        state=_hours_state,
    ),
    _page(
        "workspace/hours/time-off/",
        method="post",
        make=_profile,
        body=lambda p: {"off-first_day": "2031-01-05", "off-last_day": "2031-01-06"},
        ok=302,
        cross=302,
        state=_hours_state,
    ),
    _page(
        "workspace/hours/time-off/<int:pk>/delete/",
        method="post",
        path="/workspace/hours/time-off/{pk}/delete/",
        make=_time_off,
        ok=302,
        state=_hours_state,
    ),
]

# Tasks near me, offers, urgent requests and earnings (issue 14, part 6 and 7).
ENDPOINTS += TASK_ENDPOINTS
ENDPOINTS += PAYOUT_ENDPOINTS

# The month calendar and the calendar links (issue 14, part 5).
ENDPOINTS += CALENDAR_ENDPOINTS
