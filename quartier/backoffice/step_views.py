"""Back office: one vetting step's words (titles, instructions) and, for a quiz, its
questions with their answers. Editable on pages, as through the API."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from quartier.backoffice import forms as f
from quartier.backoffice.views import _page, _press, _submit, admin_page
from quartier.platform.errors import NotFound
from quartier.trust import selectors as trust_selectors
from quartier.trust.models import Question, Requirement
from quartier.trust.services.vetting import (
    quiz_question_delete,
    quiz_question_save,
    quiz_settings_set,
    requirement_update,
)


def _quiz_of(requirement):
    if requirement.kind != Requirement.Kind.QUIZ or not hasattr(requirement, "quiz"):
        raise NotFound(_("This step has no quiz."))
    return requirement.quiz


def _question_of(quiz, question_id: int) -> Question:
    question = quiz.questions.prefetch_related("choices").filter(pk=question_id).first()
    if question is None:
        raise NotFound(_("No such question."))
    return question


def _step_url(requirement) -> str:
    return reverse("backoffice:step", args=[requirement.pk])


def _save_step(request, requirement, form) -> None:
    data = form.cleaned_data
    requirement_update(
        actor=request.user,
        requirement=requirement,
        titles=form.cleaned_names(),
        instructions=form.cleaned_instructions(),
        position=data["position"],
        validity_days=data["validity_days"],
        threshold=data["threshold"],
    )
    if "pass_mark_percent" in data:
        quiz_settings_set(
            actor=request.user,
            quiz=requirement.quiz,
            pass_mark_percent=data["pass_mark_percent"],
            max_attempts=data["max_attempts"],
        )


@admin_page
def step_edit(request, pk: int):
    requirement = trust_selectors.requirement_get(requirement_id=pk)
    quiz = getattr(requirement, "quiz", None) if requirement.kind == Requirement.Kind.QUIZ else None

    def page(form):
        return _page(
            request,
            "backoffice/step_edit.html",
            {
                "requirement": requirement,
                "form": form,
                "quiz": quiz,
                "questions": list(quiz.questions.prefetch_related("choices")) if quiz else [],
            },
            has_errors=bool(form.errors),
        )

    if request.method != "POST":
        return page(f.StepForm(requirement=requirement))
    form = f.StepForm(request.POST, requirement=requirement)
    return _submit(
        request,
        form,
        lambda data: _save_step(request, requirement, form),
        done=_("Vetting step saved."),
        to=_step_url(requirement),
        page=page,
    )


def _question_page(request, requirement, quiz, question=None):
    def page(form):
        return _page(
            request,
            "backoffice/question_edit.html",
            {"requirement": requirement, "quiz": quiz, "question": question, "form": form},
            has_errors=bool(form.errors),
        )

    if request.method != "POST":
        return page(f.QuestionForm(question=question))
    form = f.QuestionForm(request.POST, question=question)
    return _submit(
        request,
        form,
        lambda data: quiz_question_save(
            actor=request.user,
            quiz=quiz,
            question=question,
            text=data["text"],
            choices=form.choices(),
            correct=data["correct"],
        ),
        done=_("Question saved."),
        to=_step_url(requirement) + "#questions",
        page=page,
    )


@admin_page
def question_new(request, pk: int):
    requirement = trust_selectors.requirement_get(requirement_id=pk)
    return _question_page(request, requirement, _quiz_of(requirement))


@admin_page
def question_edit(request, pk: int, question_id: int):
    requirement = trust_selectors.requirement_get(requirement_id=pk)
    quiz = _quiz_of(requirement)
    return _question_page(request, requirement, quiz, _question_of(quiz, question_id))


@admin_page
@require_POST
def question_delete(request, pk: int, question_id: int):
    requirement = trust_selectors.requirement_get(requirement_id=pk)
    question = _question_of(_quiz_of(requirement), question_id)
    return _press(
        request,
        lambda: quiz_question_delete(actor=request.user, question=question),
        done=_("Question deleted."),
        to=_step_url(requirement) + "#questions",
    )
