"""Trust endpoints and pages in the isolation matrix (see tests/tenancy/matrix.py)."""

from django.core.files.uploadedfile import SimpleUploadedFile

from quartier.marketplace.services import audit_record
from quartier.providers.models import ProviderProfile
from quartier.trust.documents import document_link
from quartier.trust.models import Badge, Requirement, Step
from quartier.trust.services.vetting import document_upload, quiz_set, requirement_create
from tests.catalog.factories import make_provider, tenant_provider
from tests.tenancy.matrix import AGAIN, MARKER, Endpoint
from tests.trust.factories import (
    PDF,
    award,
    make_badge,
    submitted_application,
    trust_state,
    vetting_rule,
)

QUESTIONS = [
    {
        "text": MARKER,
        "choices": [{"text": "yes", "is_correct": True}, {"text": "no", "is_correct": False}],
    }
]


def _own_profile(handle):
    return tenant_provider(handle, display_name=MARKER)


def _rule(handle):
    _own_profile(handle)
    requirement = vetting_rule(admin=handle.users["admin"], title=MARKER)
    return {"pk": requirement.pk, "marker": MARKER}


def _quiz(handle):
    _own_profile(handle)
    requirement = requirement_create(
        actor=handle.users["admin"], kind="quiz", titles={"en": MARKER}
    )
    quiz_set(
        actor=handle.users["admin"],
        quiz=requirement.quiz,
        questions=QUESTIONS,
        pass_mark_percent=50,
        max_attempts=3,
    )
    question = requirement.quiz.questions.get()
    return {
        "pk": requirement.pk,
        "quiz": requirement.quiz.pk,
        "marker": MARKER,
        "question": question.pk,
        "choice": question.choices.get(is_correct=True).pk,
    }


def _document(handle):
    params = _rule(handle)
    document = document_upload(
        provider=_own_profile(handle),
        requirement=Requirement.objects.get(pk=params["pk"]),
        upload=SimpleUploadedFile("id.pdf", PDF),
    )
    return {
        **params,
        "document": document.pk,
        "token": document_link(document)["url"].split("/")[-2],
    }


def _submitted(handle):
    params = _rule(handle)
    application, document = submitted_application(
        provider=_own_profile(handle), requirement=Requirement.objects.get(pk=params["pk"])
    )
    return {
        **params,
        "document": document.pk,
        "token": document_link(document)["url"].split("/")[-2],
        "application": application.pk,
    }


def _approvable(handle):
    params = _submitted(handle)
    Step.objects.filter(application_id=params["application"]).update(status="approved")
    return params


def _provider(handle):
    return {"provider": _own_profile(handle).pk, "marker": MARKER}


def _badge(handle):
    badge = make_badge(admin=handle.users["admin"], name=MARKER)
    return {"pk": badge.pk, "provider": _own_profile(handle).pk, "marker": MARKER}


def _award(handle):
    params = _badge(handle)
    awarded = award(
        badge=Badge.objects.get(pk=params["pk"]),
        provider=ProviderProfile.objects.get(pk=params["provider"]),
    )
    return {**params, "award": awarded.pk}


def _audit(handle):
    audit_record(
        actor=handle.users["admin"],
        action="test.marker",
        subject=_own_profile(handle),
        reason=MARKER,
    )
    return {"marker": MARKER}


def _another_application(handle, params):
    submitted_application(
        provider=make_provider(), requirement=Requirement.objects.get(pk=params["pk"])
    )


def _another_award(handle, params):
    award(badge=make_badge(admin=handle.users["admin"], name=MARKER), provider=_own_profile(handle))


def _trust_state(handle):
    with handle.context():
        return trust_state()


def _upload(params):
    return {"file": SimpleUploadedFile("id.pdf", PDF)}


ENDPOINTS = [
    Endpoint("api/vetting/rules/", actor="provider", make=_rule, cross=200, grow=AGAIN),
    Endpoint(
        "api/vetting/rules/",
        method="post",
        actor="admin",
        label="create",
        ok=201,
        cross=201,
        body=lambda p: {"kind": "interview", "titles": {"en": "Talk"}},
        state=_trust_state,
    ),
    Endpoint(
        "api/vetting/rules/<int:pk>/",
        method="patch",
        actor="admin",
        path="/api/vetting/rules/{pk}/",
        make=_rule,
        body=lambda p: {"titles": {"en": "Changed"}},
        state=_trust_state,
    ),
    Endpoint(
        "api/vetting/rules/<int:pk>/",
        method="delete",
        actor="admin",
        label="delete",
        path="/api/vetting/rules/{pk}/",
        make=_rule,
        ok=204,
        state=_trust_state,
    ),
    Endpoint(
        "api/vetting/rules/<int:pk>/quiz/",
        method="put",
        actor="admin",
        path="/api/vetting/rules/{pk}/quiz/",
        make=_quiz,
        state=_trust_state,
        body=lambda p: {"pass_mark_percent": 60, "max_attempts": 2, "questions": QUESTIONS},
    ),
    Endpoint(
        "api/vetting/rules/<int:pk>/documents/",
        method="post",
        actor="provider",
        path="/api/vetting/rules/{pk}/documents/",
        make=_rule,
        make_other=tenant_provider,
        body=_upload,
        format="multipart",
        ok=201,
        state=_trust_state,
    ),
    Endpoint(
        "api/vetting/application/",
        actor="provider",
        make=_document,
        make_other=tenant_provider,
        cross=200,
    ),
    Endpoint(
        "api/vetting/application/submit/",
        method="post",
        actor="provider",
        make=_provider,
        make_other=tenant_provider,
        cross=200,
        state=_trust_state,
    ),
    Endpoint(
        "api/vetting/documents/<int:pk>/link/",
        actor="provider",
        path="/api/vetting/documents/{document}/link/",
        make=_document,
        make_other=tenant_provider,
    ),
    Endpoint(
        "api/vetting/quizzes/<int:pk>/",
        actor="provider",
        path="/api/vetting/quizzes/{quiz}/",
        make=_quiz,
        make_other=tenant_provider,
    ),
    Endpoint(
        "api/vetting/quizzes/<int:pk>/attempts/",
        method="post",
        actor="provider",
        path="/api/vetting/quizzes/{quiz}/attempts/",
        make=_quiz,
        make_other=tenant_provider,
        ok=201,
        state=_trust_state,
        body=lambda p: {"answers": {str(p["question"]): p["choice"]}},
    ),
    Endpoint(
        "api/vetting/applications/",
        actor="admin",
        make=_submitted,
        cross=200,
        grow=_another_application,
    ),
    Endpoint(
        "api/vetting/applications/<int:pk>/",
        actor="admin",
        path="/api/vetting/applications/{application}/",
        make=_submitted,
    ),
    Endpoint(
        "api/vetting/applications/<int:pk>/steps/<int:requirement_id>/review/",
        method="post",
        actor="admin",
        path="/api/vetting/applications/{application}/steps/{pk}/review/",
        make=_submitted,
        body=lambda p: {"decision": "approve"},
        state=_trust_state,
    ),
    Endpoint(
        "api/vetting/applications/<int:pk>/decide/",
        method="post",
        actor="admin",
        path="/api/vetting/applications/{application}/decide/",
        make=_approvable,
        body=lambda p: {"decision": "approve"},
        state=_trust_state,
    ),
    Endpoint(
        "api/providers/<int:pk>/suspend/",
        method="post",
        actor="admin",
        path="/api/providers/{provider}/suspend/",
        make=_provider,
        body=lambda p: {"reason": "test"},
        state=_trust_state,
    ),
    Endpoint(
        "api/providers/<int:pk>/unsuspend/",
        method="post",
        actor="admin",
        path="/api/providers/{provider}/unsuspend/",
        make=_provider,
        state=_trust_state,
    ),
    Endpoint(
        "api/providers/<int:pk>/badges/",
        actor="customer",
        path="/api/providers/{provider}/badges/",
        make=_award,
        grow=_another_award,
    ),
    Endpoint("api/badges/", actor="customer", make=_badge, cross=200, grow=AGAIN),
    Endpoint(
        "api/badges/",
        method="post",
        actor="admin",
        label="create",
        ok=201,
        cross=201,
        body=lambda p: {"slug": "fresh", "names": {"en": "Fresh"}},
        state=_trust_state,
    ),
    Endpoint(
        "api/badges/<int:pk>/",
        method="patch",
        actor="admin",
        path="/api/badges/{pk}/",
        make=_badge,
        body=lambda p: {"names": {"en": "Renamed"}},
        state=_trust_state,
    ),
    Endpoint(
        "api/badges/<int:pk>/award/",
        method="post",
        actor="admin",
        path="/api/badges/{pk}/award/",
        make=_badge,
        ok=201,
        state=_trust_state,
        body=lambda p: {"provider": p["provider"]},
    ),
    Endpoint(
        "api/badge-awards/<int:pk>/revoke/",
        method="post",
        actor="admin",
        path="/api/badge-awards/{award}/revoke/",
        make=_award,
        body=lambda p: {"reason": "test"},
        state=_trust_state,
    ),
    Endpoint("api/audit/", actor="admin", make=_audit, cross=200, grow=AGAIN),
    Endpoint(
        "trust/documents/<str:token>/",
        actor="admin",
        path="/trust/documents/{token}/",
        make=_document,
        is_api=False,
    ),
]
