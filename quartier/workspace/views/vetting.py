"""Wizard step 2: the tenant's vetting requirements, documents, the quiz, e-mail, submit."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from quartier.accounts import services as accounts
from quartier.platform.errors import ApplicationError, NotFound
from quartier.platform.forms import form_apply
from quartier.trust import errors as trust_errors
from quartier.trust import selectors as trust_selectors
from quartier.trust.models import Requirement
from quartier.trust.services import vetting
from quartier.workspace.forms import DocumentForm, PhoneCodeForm, PhoneForm, QuizQuestionForm
from quartier.workspace.selectors import (
    OPEN_STATUSES,
    quiz_attempts,
    requirement_title,
    vetting_rows,
)
from quartier.workspace.views.common import helper_page
from quartier.workspace.views.wizard import wizard_context


def _overview(request, profile, *, error: str = "", status: int = 200):
    application, rows = vetting_rows(profile)
    return render(
        request,
        "workspace/vetting.html",
        wizard_context(
            request,
            "vetting",
            profile=profile,
            application=application,
            rows=rows,
            submit_error=error,
        ),
        status=status,
    )


@helper_page
def vetting_step(request, profile):
    return _overview(request, profile)


@helper_page
@require_POST
def vetting_submit(request, profile):
    try:
        vetting.application_submit(provider=profile)
    except ApplicationError as error:
        message = error.message
        if error.code == trust_errors.APPLICATION_INCOMPLETE:
            # The service lists the steps by their English titles; show the helper's.
            open_titles = [
                row.title
                for row in vetting_rows(profile)[1]
                if row.status in OPEN_STATUSES
                and row.requirement.kind != Requirement.Kind.INTERVIEW
            ]
            message = _("Finish these steps first: %(steps)s") % {"steps": ", ".join(open_titles)}
        elif error.code == trust_errors.APPLICATION_STATE:
            message = _("Your application is already waiting for review.")
        return _overview(request, profile, error=message, status=error.status)
    messages.success(request, _("Your application was sent. We will let you know by e-mail."))
    return redirect("workspace:first-listing")


def _requirement(pk: int) -> Requirement:
    requirement = trust_selectors.requirement_get(requirement_id=pk)
    if not requirement.is_active:
        raise NotFound(_("No such requirement."))
    return requirement


def _row_of(profile, requirement):
    application, rows = vetting_rows(profile)
    row = next((row for row in rows if row.requirement.pk == requirement.pk), None)
    if row is None:
        raise NotFound(_("No such requirement."))
    return application, row


@helper_page
def requirement_page(request, profile, pk):
    """One requirement: upload its document, start its quiz, or confirm e-mail or phone."""
    return _requirement_page(request, profile, _requirement(pk))


def _requirement_page(
    request, profile, requirement, *, phone_form=None, code_form=None, status: int = 200
):
    is_document = requirement.kind in Requirement.DOCUMENT_KINDS
    uploading = request.method == "POST" and phone_form is None and code_form is None
    if uploading and not is_document:
        raise NotFound(_("This step takes no document."))
    form = DocumentForm(
        request.POST if uploading else None,
        request.FILES if uploading else None,
    )
    if uploading:
        status = form_apply(
            form,
            lambda data: vetting.document_upload(
                provider=profile, requirement=requirement, upload=data["file"]
            ),
        )
        if status == 200:
            messages.success(request, _("Thank you. Your document is waiting for review."))
            return redirect("workspace:vetting")
    application, row = _row_of(profile, requirement)
    quiz = getattr(requirement, "quiz", None) if requirement.kind == Requirement.Kind.QUIZ else None
    used = quiz_attempts(profile, quiz).count() if quiz else 0
    return render(
        request,
        "workspace/requirement.html",
        wizard_context(
            request,
            "vetting",
            requirement=requirement,
            row=row,
            form=form if is_document else None,
            quiz=quiz,
            question_count=quiz.questions.count() if quiz else 0,
            attempts_left=max(quiz.max_attempts - used, 0) if quiz else 0,
            kinds=Requirement.Kind,
            phone_form=phone_form
            or PhoneForm(prefix="phone", initial={"phone": request.user.phone}),
            code_form=code_form or PhoneCodeForm(prefix="code"),
            instructions=requirement.instructions.get((get_language() or "en")[:2])
            or requirement.instructions.get("en", ""),
        ),
        status=status,
    )


@helper_page
@require_POST
def email_send(request, profile):
    accounts.email_verification_send(user=request.user, base_url=request.build_absolute_uri("/"))
    messages.success(
        request,
        _("We sent a link to %(email)s. Open it to confirm your address.")
        % {"email": request.user.email},
    )
    return redirect("workspace:vetting")


def _quiz_of(pk: int):
    requirement = _requirement(pk)
    quiz = getattr(requirement, "quiz", None) if requirement.kind == Requirement.Kind.QUIZ else None
    if quiz is None:
        raise NotFound(_("No such quiz."))
    return requirement, trust_selectors.quiz_get(quiz_id=quiz.pk)


def _session_key(quiz) -> str:
    return f"workspace-quiz-{quiz.pk}"


@helper_page
def quiz_question(request, profile, pk, number):
    """One question per screen; the answers wait in the session until the last one."""
    requirement, quiz = _quiz_of(pk)
    questions = list(quiz.questions.all())
    if not 1 <= number <= len(questions):
        raise NotFound(_("No such question."))
    question = questions[number - 1]
    answers = request.session.get(_session_key(quiz), {})
    form = QuizQuestionForm(
        request.POST if request.method == "POST" else None,
        question=question,
        initial={"choice": answers.get(str(question.pk))},
    )
    used = quiz_attempts(profile, quiz).count()
    locked = used >= quiz.max_attempts
    status = 200
    if request.method == "POST" and not locked:
        if form.is_valid():
            answers[str(question.pk)] = form.cleaned_data["choice"]
            request.session[_session_key(quiz)] = answers
            if number < len(questions):
                return redirect("workspace:quiz-question", pk=requirement.pk, number=number + 1)
            return _finish_quiz(request, profile, requirement, quiz, questions, answers, form)
        status = 400
    elif request.method == "POST":
        status = 409
    return render(
        request,
        "workspace/quiz_question.html",
        wizard_context(
            request,
            "vetting",
            requirement=requirement,
            title=requirement_title(requirement),
            form=form,
            number=number,
            total=len(questions),
            locked=locked,
        ),
        status=status,
    )


def _finish_quiz(request, profile, requirement, quiz, questions, answers, form):
    # Only this quiz's questions, in case the admin changed it mid-way.
    current = {str(question.pk) for question in questions}
    missing = [i for i, question in enumerate(questions, 1) if str(question.pk) not in answers]
    if missing:
        messages.error(request, _("Please answer this question first."))
        return redirect("workspace:quiz-question", pk=requirement.pk, number=missing[0])
    try:
        vetting.quiz_attempt(
            provider=profile,
            quiz=quiz,
            answers={key: value for key, value in answers.items() if key in current},
        )
    except ApplicationError as error:
        form.add_error(None, error.message)
        return render(
            request,
            "workspace/quiz_question.html",
            wizard_context(
                request,
                "vetting",
                requirement=requirement,
                title=requirement_title(requirement),
                form=form,
                number=len(questions),
                total=len(questions),
                locked=error.code == trust_errors.QUIZ_LOCKED,
            ),
            status=error.status,
        )
    request.session.pop(_session_key(quiz), None)
    return redirect("workspace:quiz-result", pk=requirement.pk)


@helper_page
def quiz_result(request, profile, pk):
    requirement, quiz = _quiz_of(pk)
    attempts = list(quiz_attempts(profile, quiz))
    if not attempts:
        return redirect("workspace:quiz-question", pk=requirement.pk, number=1)
    return render(
        request,
        "workspace/quiz_result.html",
        wizard_context(
            request,
            "vetting",
            requirement=requirement,
            title=requirement_title(requirement),
            attempt=attempts[0],
            quiz=quiz,
            attempts_left=max(quiz.max_attempts - len(attempts), 0),
        ),
    )


def _phone_requirement() -> Requirement | None:
    return trust_selectors.requirements().filter(kind=Requirement.Kind.PHONE_VERIFIED).first()


def _phone_throttled(request) -> bool:
    """The API's rate for verification codes (the "login" scope) also guards the page:
    every code is a text message someone pays for."""
    from types import SimpleNamespace

    from rest_framework.throttling import ScopedRateThrottle

    return not ScopedRateThrottle().allow_request(request, SimpleNamespace(throttle_scope="login"))


def _phone_page(request, profile, *, status: int, **forms):
    requirement = _phone_requirement()
    if requirement is None:
        raise NotFound(_("No such requirement."))
    return _requirement_page(request, profile, requirement, status=status, **forms)


@helper_page
@require_POST
def phone_send(request, profile):
    """Save the mobile number when it changed, then text a code to it."""
    form = PhoneForm(request.POST, prefix="phone")
    if form.is_valid() and _phone_throttled(request):
        form.add_error(None, _("Too many codes in a short time. Please wait a minute."))
        return _phone_page(request, profile, phone_form=form, status=429)

    def act(data):
        if data["phone"].strip() != request.user.phone:
            accounts.user_update_profile(user=request.user, phone=data["phone"])
        accounts.phone_verification_send(user=request.user)

    status = form_apply(form, act)
    if status != 200:
        return _phone_page(request, profile, phone_form=form, status=status)
    messages.success(request, _("We sent a code to %(phone)s.") % {"phone": request.user.phone})
    requirement = _phone_requirement()
    if requirement is None:
        return redirect("workspace:vetting")
    return redirect("workspace:requirement", pk=requirement.pk)


@helper_page
@require_POST
def phone_confirm(request, profile):
    form = PhoneCodeForm(request.POST, prefix="code")
    status = form_apply(
        form, lambda data: accounts.phone_verify(user=request.user, code=data["code"].strip())
    )
    if status == 200:
        messages.success(request, _("Your phone number is confirmed."))
        return redirect("workspace:vetting")
    return _phone_page(request, profile, code_form=form, status=status)
