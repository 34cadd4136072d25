"""Vetting steps edited on pages (issue 14): titles and instructions, quiz questions with
their answers; a quiz with no questions cannot go live, on the page or in the API."""

import pytest

from quartier.trust.models import Choice, Question, Requirement
from quartier.trust.services.vetting import requirement_create

pytestmark = pytest.mark.django_db


def _quiz_step(tenant):
    with tenant.context():
        return requirement_create(
            actor=tenant.users["admin"], kind="quiz", titles={"en": "Router quiz"}
        )


def _question_data(**changes) -> dict:
    data = {
        "text": "Where does the router work best?",
        "choice_1": "In a cupboard",
        "choice_2": "Central and in the open",
        "choice_3": "",
        "correct": "1",
    }
    data.update(changes)
    return data


def _questions(tenant, requirement):
    with tenant.context():
        return [
            (q.text, [(c.text, c.is_correct) for c in q.choices.all()])
            for q in Question.objects.filter(quiz__requirement=requirement).prefetch_related(
                "choices"
            )
        ]


def test_a_new_quiz_starts_off_and_cannot_be_turned_on_empty(tenant_a):
    step = _quiz_step(tenant_a)
    client = tenant_a.session_client("admin")
    assert not step.is_active

    refused = client.post(
        f"/back-office/vetting/steps/{step.pk}/toggle/", {"return_to": "step"}, follow=True
    )
    page = refused.content.decode()
    assert "A quiz step can be turned on once it has at least one question." in page
    assert "This quiz has no questions yet" in page
    with tenant_a.context():
        assert not Requirement.objects.get(pk=step.pk).is_active

    # in German too
    client.cookies["django_language"] = "de"
    german = client.post(f"/back-office/vetting/steps/{step.pk}/toggle/", follow=True)
    assert "A quiz step can be turned on" not in german.content.decode()


def test_the_api_refuses_an_empty_live_quiz_naming_the_field(tenant_a):
    admin = tenant_a.client("admin")
    live = admin.post(
        "/api/vetting/rules/",
        {"kind": "quiz", "titles": {"en": "Quiz"}, "is_active": True},
        format="json",
    )
    created = admin.post(
        "/api/vetting/rules/", {"kind": "quiz", "titles": {"en": "Quiz"}}, format="json"
    )
    turned_on = admin.patch(
        f"/api/vetting/rules/{created.json()['id']}/", {"is_active": True}, format="json"
    )

    assert (live.status_code, list(live.json()["fields"])) == (400, ["is_active"])
    assert created.status_code == 201
    assert created.json()["is_active"] is False
    assert (turned_on.status_code, list(turned_on.json()["fields"])) == (400, ["is_active"])
    with tenant_a.context():
        assert list(Requirement.objects.values_list("is_active", flat=True)) == [False]


def test_an_admin_writes_edits_and_deletes_questions_then_turns_the_quiz_on(tenant_a):
    step = _quiz_step(tenant_a)
    client = tenant_a.session_client("admin")

    added = client.post(f"/back-office/vetting/steps/{step.pk}/questions/new/", _question_data())
    assert (added.status_code, added["Location"]) == (
        302,
        f"/back-office/vetting/steps/{step.pk}/#questions",
    )
    assert _questions(tenant_a, step) == [
        (
            "Where does the router work best?",
            [("In a cupboard", False), ("Central and in the open", True)],
        )
    ]
    with tenant_a.context():
        question = Question.objects.get(quiz__requirement=step)
    edit_url = f"/back-office/vetting/steps/{step.pk}/questions/{question.pk}/"
    assert 'value="Central and in the open"' in client.get(edit_url).content.decode()
    edited = client.post(
        edit_url,
        _question_data(
            text="Which band reaches further?", choice_1="2.4 GHz", choice_2="5 GHz", correct="0"
        ),
    )
    assert edited.status_code == 302
    assert _questions(tenant_a, step) == [
        ("Which band reaches further?", [("2.4 GHz", True), ("5 GHz", False)])
    ]

    turned_on = client.post(f"/back-office/vetting/steps/{step.pk}/toggle/", {"return_to": "step"})
    assert turned_on["Location"] == f"/back-office/vetting/steps/{step.pk}/"
    with tenant_a.context():
        assert Requirement.objects.get(pk=step.pk).is_active
    # a live quiz keeps its last question
    last = client.post(f"{edit_url}delete/", follow=True)
    assert "turn the step off before deleting it" in last.content.decode()
    assert len(_questions(tenant_a, step)) == 1
    client.post(f"/back-office/vetting/steps/{step.pk}/toggle/")
    deleted = client.post(f"{edit_url}delete/")
    assert deleted.status_code == 302
    assert _questions(tenant_a, step) == []


def test_bad_questions_are_refused_in_words_and_nothing_is_saved(tenant_a):
    step = _quiz_step(tenant_a)
    client = tenant_a.session_client("admin")
    url = f"/back-office/vetting/steps/{step.pk}/questions/new/"

    one_answer = client.post(url, _question_data(choice_2=""))
    empty_correct = client.post(url, _question_data(correct="2"))
    no_text = client.post(url, _question_data(text="   "))
    odd_correct = client.post(url, _question_data(correct="99"))
    long_text = client.post(url, _question_data(text="x" * 501))

    for response in (one_answer, empty_correct, no_text, odd_correct, long_text):
        assert response.status_code == 400
        assert "Nothing was saved." in response.content.decode()
    assert "Give at least two answers to choose from." in one_answer.content.decode()
    assert "Mark one of the filled-in answers as correct." in empty_correct.content.decode()
    assert "Write the question." in no_text.content.decode()
    assert "Mark the correct answer." in odd_correct.content.decode()
    with tenant_a.context():
        assert not Choice.objects.exists()
        assert not Question.objects.exists()


def test_odd_unicode_is_kept_and_escaped(tenant_a):
    step = _quiz_step(tenant_a)
    client = tenant_a.session_client("admin")
    text = "Wo steht der Router? <script>alert(1)</script> \u202e 🛜"
    client.post(f"/back-office/vetting/steps/{step.pk}/questions/new/", _question_data(text=text))

    page = client.get(f"/back-office/vetting/steps/{step.pk}/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)" not in page


def test_titles_and_instructions_are_edited_on_the_step_page(tenant_a):
    with tenant_a.context():
        step = requirement_create(
            actor=tenant_a.users["admin"], kind="identity_document", titles={"en": "ID"}
        )
    client = tenant_a.session_client("admin")
    url = f"/back-office/vetting/steps/{step.pk}/"

    saved = client.post(
        url,
        {
            "title_en": "Identity card",
            "title_de": "Ausweis",
            "instructions_en": "A photo of both sides.",
            "instructions_fr": "Une photo des deux côtés.",
            "position": "2",
            "validity_days": "365",
        },
    )
    bad = client.post(url, {"title_en": "", "position": "-1", "validity_days": "abc"})

    assert saved.status_code == 302
    assert bad.status_code == 400
    with tenant_a.context():
        step.refresh_from_db()
        assert step.titles == {"en": "Identity card", "de": "Ausweis"}
        assert step.instructions == {
            "en": "A photo of both sides.",
            "fr": "Une photo des deux côtés.",
        }
        assert (step.position, step.validity_days) == (2, 365)


def test_wrong_ids_answer_404(tenant_a):
    with tenant_a.context():
        document = requirement_create(
            actor=tenant_a.users["admin"], kind="identity_document", titles={"en": "ID"}
        )
    client = tenant_a.session_client("admin")

    assert client.get("/back-office/vetting/steps/999999/").status_code == 404
    # a step that is not a quiz has no questions
    assert client.get(f"/back-office/vetting/steps/{document.pk}/questions/new/").status_code == 404
    assert client.get(f"/back-office/vetting/steps/{document.pk}/questions/1/").status_code == 404
    assert (
        tenant_a.session_client("provider")
        .get(f"/back-office/vetting/steps/{document.pk}/")
        .status_code
        == 403
    )
