"""Vetting: the tenant's rules, each provider's application, reviews and decisions.

A step is satisfied when it is approved and its approval has not expired; automatic
steps (verified email or phone, a linked social profile, completed bookings, rating)
are computed from the facts. A provider is vetted when an admin approved an application
whose every step was satisfied. Changing the rules never un-vets anyone on the spot:
vetted providers who no longer satisfy them are flagged with a deadline, and only a
provider who lets the deadline pass loses the status (revetting_enforce_due).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from quartier.accounts.models import User
from quartier.marketplace.selectors import marketplace_settings
from quartier.marketplace.services import audit_record
from quartier.platform.errors import ApplicationError, Conflict, PermissionDenied
from quartier.platform.events import publish
from quartier.platform.uploads import document_clean
from quartier.providers.models import ProviderProfile
from quartier.providers.services import provider_suspension_set, provider_vetting_set
from quartier.trust import errors
from quartier.trust.events import VettingDecided
from quartier.trust.models import (
    Application,
    Choice,
    Document,
    Question,
    Quiz,
    QuizAttempt,
    Requirement,
    Step,
)
from quartier.trust.notifications import notify_provider

Kind = Requirement.Kind
LANGUAGES = ("de", "fr", "it", "en")
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024


# --- rules (tenant admin) ---


def _clean_titles(titles) -> dict:
    if (
        not isinstance(titles, dict)
        or not titles
        or any(
            language not in LANGUAGES
            or not isinstance(text, str)
            or not text.strip()
            or len(text) > 120
            for language, text in titles.items()
        )
    ):
        raise ApplicationError.invalid_field(
            "titles",
            gettext("Give a title by language (de/fr/it/en), up to 120 characters."),
            code=errors.INVALID_RULE,
        )
    return {language: text.strip() for language, text in titles.items()}


def _check_threshold(kind: str, threshold) -> None:
    if kind == Kind.MIN_COMPLETED_BOOKINGS and not threshold:
        raise ApplicationError.invalid_field(
            "threshold", gettext("Give the number of bookings."), code=errors.INVALID_RULE
        )
    if kind == Kind.MIN_RATING and (threshold is None or not 100 <= threshold <= 500):
        raise ApplicationError.invalid_field(
            "threshold",
            gettext("Give a rating from 100 (1.00) to 500 (5.00)."),
            code=errors.INVALID_RULE,
        )


def _clean_instructions(instructions) -> dict:
    if not isinstance(instructions, dict) or any(
        language not in LANGUAGES or not isinstance(text, str) or len(text) > 2000
        for language, text in instructions.items()
    ):
        raise ApplicationError.invalid_field(
            "instructions",
            gettext("Give instructions by language (de/fr/it/en), up to 2000 characters."),
            code=errors.INVALID_RULE,
        )
    return {language: text.strip() for language, text in instructions.items() if text.strip()}


def _quiz_empty_error() -> ApplicationError:
    return ApplicationError.invalid_field(
        "is_active",
        gettext("A quiz step can be turned on once it has at least one question."),
        code=errors.QUIZ_EMPTY,
    )


def _check_quiz_live(requirement: Requirement) -> None:
    """A live quiz step with no questions would block every applicant: refused."""
    if requirement.kind != Kind.QUIZ or not requirement.is_active:
        return
    quiz = getattr(requirement, "quiz", None)
    if quiz is None or not quiz.questions.exists():
        raise _quiz_empty_error()


@transaction.atomic
def requirement_create(*, actor: User, kind: str, titles: dict, **fields) -> Requirement:
    """A new step. A quiz starts turned off: it goes live once it has questions."""
    if kind not in Kind.values:
        raise ApplicationError.invalid_field(
            "kind", gettext("Unknown requirement type."), code=errors.INVALID_RULE
        )
    _check_threshold(kind, fields.get("threshold"))
    if kind == Kind.QUIZ:
        if fields.get("is_active"):
            raise _quiz_empty_error()
        fields["is_active"] = False
    if "instructions" in fields:
        fields["instructions"] = _clean_instructions(fields["instructions"])
    requirement = Requirement.objects.create(kind=kind, titles=_clean_titles(titles), **fields)
    if kind == Kind.QUIZ:
        Quiz.objects.create(requirement=requirement)
    audit_record(
        actor=actor,
        action="vetting.rule_add",
        subject=requirement,
        after={
            "kind": kind,
            "validity_days": requirement.validity_days,
            "threshold": requirement.threshold,
        },
    )
    revetting_flag_affected(reason="A vetting requirement was added.")
    return requirement


@transaction.atomic
def requirement_update(*, actor: User, requirement: Requirement, **changes) -> Requirement:
    before = {field: getattr(requirement, field) for field in changes}
    if "titles" in changes:
        changes["titles"] = _clean_titles(changes["titles"])
    if "instructions" in changes:
        changes["instructions"] = _clean_instructions(changes["instructions"])
    for field, value in changes.items():
        setattr(requirement, field, value)
    _check_threshold(requirement.kind, requirement.threshold)
    _check_quiz_live(requirement)
    requirement.save()
    audit_record(
        actor=actor,
        action="vetting.rule_change",
        subject=requirement,
        before={k: _plain(v) for k, v in before.items()},
        after={k: _plain(v) for k, v in changes.items()},
    )
    revetting_flag_affected(reason="A vetting requirement changed.")
    return requirement


def _plain(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


@transaction.atomic
def requirement_delete(*, actor: User, requirement: Requirement) -> None:
    audit_record(
        actor=actor,
        action="vetting.rule_remove",
        subject=requirement,
        before={"kind": requirement.kind, "titles": requirement.titles},
    )
    requirement.is_active = False  # kept: past decisions refer to it
    requirement.save(update_fields=["is_active", "updated_at"])


@transaction.atomic
def quiz_set(
    *,
    actor: User,
    quiz: Quiz,
    questions: list[dict],
    pass_mark_percent: int,
    max_attempts: int,
    is_active: bool = True,
) -> Quiz:
    """Replace a quiz's questions: each has a text and choices, exactly one correct.
    A complete quiz goes live with it unless `is_active` is false."""
    if not questions or len(questions) > 50:
        raise ApplicationError.invalid_field("questions", gettext("Give 1 to 50 questions."))
    for question in questions:
        choices = question.get("choices", [])
        if not 2 <= len(choices) <= 8 or sum(bool(c.get("is_correct")) for c in choices) != 1:
            raise ApplicationError.invalid_field(
                "questions", gettext("Each question needs 2 to 8 choices, exactly one correct.")
            )
    quiz.questions.all().delete()
    for position, question in enumerate(questions):
        created = Question.objects.create(quiz=quiz, text=question["text"], position=position)
        Choice.objects.bulk_create(
            [
                Choice(
                    question=created, text=choice["text"], is_correct=bool(choice.get("is_correct"))
                )
                for choice in question["choices"]
            ]
        )
    quiz.pass_mark_percent, quiz.max_attempts = pass_mark_percent, max_attempts
    quiz.save()
    audit_record(
        actor=actor,
        action="vetting.quiz_change",
        subject=quiz,
        after={"questions": len(questions), "pass_mark_percent": pass_mark_percent},
    )
    if quiz.requirement.is_active != is_active:
        requirement_update(actor=actor, requirement=quiz.requirement, is_active=is_active)
    return quiz


def _clean_question(text: str, choices: list[str], correct: int) -> tuple[str, list[str]]:
    text = (text or "").strip()
    if not text or len(text) > 500:
        raise ApplicationError.invalid_field(
            "text", gettext("Write the question, up to 500 characters."), code=errors.INVALID_RULE
        )
    filled = [(choice or "").strip() for choice in choices]
    if sum(bool(choice) for choice in filled) < 2 or len(filled) > 8:
        raise ApplicationError.invalid_field(
            "choices",
            gettext("Give at least two answers to choose from."),
            code=errors.INVALID_RULE,
        )
    if any(len(choice) > 300 for choice in filled):
        raise ApplicationError.invalid_field(
            "choices", gettext("An answer has at most 300 characters."), code=errors.INVALID_RULE
        )
    if not 0 <= correct < len(filled) or not filled[correct]:
        raise ApplicationError.invalid_field(
            "correct",
            gettext("Mark one of the filled-in answers as correct."),
            code=errors.INVALID_RULE,
        )
    return text, filled


@transaction.atomic
def quiz_question_save(
    *,
    actor: User,
    quiz: Quiz,
    text: str,
    choices: list[str],
    correct: int,
    question: Question | None = None,
) -> Question:
    """Add a question at the end of the quiz, or change `question`; `choices` may have
    empty slots (a form's unused inputs), `correct` is the index of the right one."""
    text, filled = _clean_question(text, choices, correct)
    quiz = Quiz.objects.select_for_update().get(pk=quiz.pk)
    if question is None:
        question = Question(quiz=quiz, position=quiz.questions.count())
    question.text = text
    question.save()
    question.choices.all().delete()
    Choice.objects.bulk_create(
        [
            Choice(question=question, text=choice, is_correct=index == correct)
            for index, choice in enumerate(filled)
            if choice
        ]
    )
    audit_record(
        actor=actor,
        action="vetting.quiz_change",
        subject=quiz,
        after={"question": question.pk, "choices": sum(bool(choice) for choice in filled)},
    )
    return question


@transaction.atomic
def quiz_question_delete(*, actor: User, question: Question) -> None:
    """A live quiz keeps at least one question: turn the step off first."""
    quiz = Quiz.objects.select_for_update().select_related("requirement").get(pk=question.quiz_id)
    if quiz.requirement.is_active and quiz.questions.count() <= 1:
        raise Conflict(
            errors.QUIZ_EMPTY,
            gettext("This is the quiz's last question: turn the step off before deleting it."),
        )
    audit_record(
        actor=actor,
        action="vetting.quiz_change",
        subject=quiz,
        before={"question": question.pk, "text": question.text},
    )
    question.delete()
    for position, remaining in enumerate(quiz.questions.order_by("position", "id")):
        if remaining.position != position:
            Question.objects.filter(pk=remaining.pk).update(position=position)


@transaction.atomic
def quiz_settings_set(
    *, actor: User, quiz: Quiz, pass_mark_percent: int, max_attempts: int
) -> Quiz:
    if not 1 <= pass_mark_percent <= 100:
        raise ApplicationError.invalid_field(
            "pass_mark_percent",
            gettext("Give a pass mark from 1 to 100."),
            code=errors.INVALID_RULE,
        )
    if not 1 <= max_attempts <= 20:
        raise ApplicationError.invalid_field(
            "max_attempts", gettext("Give 1 to 20 attempts."), code=errors.INVALID_RULE
        )
    quiz.pass_mark_percent, quiz.max_attempts = pass_mark_percent, max_attempts
    quiz.save(update_fields=["pass_mark_percent", "max_attempts"])
    return quiz


# --- the provider's side ---


def application_for(provider: ProviderProfile) -> Application:
    application, _ = Application.objects.get_or_create(provider=provider)
    return application


def _step(application: Application, requirement: Requirement) -> Step:
    step, _ = Step.objects.get_or_create(application=application, requirement=requirement)
    return step


@dataclass(frozen=True)
class StepState:
    requirement: Requirement
    step: Step | None
    status: str  # missing, pending, approved, rejected, expired
    satisfied: bool


def _automatic(requirement: Requirement, provider: ProviderProfile) -> bool:
    user = provider.user
    if requirement.kind == Kind.EMAIL_VERIFIED:
        return user.email_verified_at is not None
    if requirement.kind == Kind.PHONE_VERIFIED:
        return user.phone_verified_at is not None
    if requirement.kind == Kind.SOCIAL_PROFILE:
        return provider.social_links.exists()
    if requirement.kind == Kind.MIN_COMPLETED_BOOKINGS:
        return provider.completed_jobs >= (requirement.threshold or 0)
    return provider.rating_count > 0 and provider.rating_score >= (requirement.threshold or 0)


def application_states(application: Application, *, now: datetime | None = None) -> list[StepState]:
    """Each active requirement with its status for this application, in order."""
    now = now or timezone.now()
    steps = (
        {step.requirement_id: step for step in application.steps.all()} if application.pk else {}
    )
    states = []
    for requirement in Requirement.objects.filter(is_active=True):
        step = steps.get(requirement.pk)
        if requirement.kind in Requirement.AUTOMATIC_KINDS:
            satisfied = _automatic(requirement, application.provider)
            states.append(
                StepState(requirement, step, "approved" if satisfied else "missing", satisfied)
            )
            continue
        status = step.status if step else Step.Status.MISSING
        if status == Step.Status.APPROVED and step.valid_until and step.valid_until <= now:
            status = "expired"
        states.append(StepState(requirement, step, status, status == Step.Status.APPROVED))
    return states


@transaction.atomic
def document_upload(*, provider: ProviderProfile, requirement: Requirement, upload) -> Document:
    if requirement.kind not in Requirement.DOCUMENT_KINDS or not requirement.is_active:
        raise ApplicationError.invalid_field(
            "requirement", gettext("This step takes no document."), code=errors.NOT_A_DOCUMENT_STEP
        )
    clean = document_clean(upload, field="file", max_bytes=MAX_DOCUMENT_BYTES)
    application = application_for(provider)
    step = _step(application, requirement)
    document = Document(step=step, content_type=clean.content_type, size=clean.size)
    document.file.save(f"{requirement.kind}.{clean.extension}", clean.content, save=False)
    document.save()
    step.status, step.reason = Step.Status.PENDING, ""
    step.save(update_fields=["status", "reason"])
    return document


@transaction.atomic
def quiz_attempt(*, provider: ProviderProfile, quiz: Quiz, answers: dict) -> QuizAttempt:
    """Score the answers server-side; a pass approves the quiz step at once."""
    used = QuizAttempt.objects.filter(quiz=quiz, provider=provider).count()
    if used >= quiz.max_attempts:
        raise ApplicationError(
            errors.QUIZ_LOCKED, gettext("No attempts left for this quiz."), status=409
        )
    questions = list(quiz.questions.prefetch_related("choices"))
    if not questions:
        raise ApplicationError(
            errors.QUIZ_ANSWERS, gettext("This quiz has no questions yet."), status=409
        )
    chosen = _check_answers(questions, answers)
    correct = sum(
        1
        for question in questions
        if any(c.is_correct and c.pk == chosen[question.pk] for c in question.choices.all())
    )
    score = correct * 100 // len(questions)
    attempt = QuizAttempt.objects.create(
        quiz=quiz,
        provider=provider,
        answers={str(k): v for k, v in chosen.items()},
        score_percent=score,
        passed=score >= quiz.pass_mark_percent,
    )
    if attempt.passed:
        step = _step(application_for(provider), quiz.requirement)
        _approve_step(step, actor=None, reason=f"Quiz passed with {score}%.")
    return attempt


def _check_answers(questions, answers) -> dict[int, int]:
    if not isinstance(answers, dict):
        raise ApplicationError.invalid_field(
            "answers", gettext("Answer every question."), code=errors.QUIZ_ANSWERS
        )
    chosen = {}
    for question in questions:
        choice_id = answers.get(str(question.pk), answers.get(question.pk))
        valid = {choice.pk for choice in question.choices.all()}
        if type(choice_id) is not int or choice_id not in valid:
            raise ApplicationError.invalid_field(
                "answers",
                gettext("Answer every question with one of its choices."),
                code=errors.QUIZ_ANSWERS,
            )
        chosen[question.pk] = choice_id
    if len(answers) != len(questions):
        raise ApplicationError.invalid_field(
            "answers", gettext("Answer exactly this quiz's questions."), code=errors.QUIZ_ANSWERS
        )
    return chosen


@transaction.atomic
def application_submit(*, provider: ProviderProfile) -> Application:
    application = Application.objects.select_for_update().get(pk=application_for(provider).pk)
    if application.status == Application.Status.SUBMITTED:
        raise Conflict(
            errors.APPLICATION_STATE,
            gettext("Your application is already waiting."),
            extra={"status": application.status},
        )
    # Everything the provider can do must be done; the interview happens after submitting.
    open_steps = [
        state.requirement.title_in("en")
        for state in application_states(application)
        if state.status in ("missing", "rejected", "expired")
        and state.requirement.kind != Kind.INTERVIEW
    ]
    if open_steps:
        raise ApplicationError(
            errors.APPLICATION_INCOMPLETE,
            gettext("Complete these steps first: %(steps)s") % {"steps": ", ".join(open_steps)},
            fields={"steps": open_steps},
            status=409,
        )
    application.status, application.submitted_at = Application.Status.SUBMITTED, timezone.now()
    application.save(update_fields=["status", "submitted_at"])
    return application


# --- the admin's side ---


def _check_not_own(application: Application, admin: User) -> None:
    if application.provider.user_id == admin.pk:
        raise PermissionDenied(gettext("You cannot decide on your own application."))


def _approve_step(step: Step, *, actor: User | None, reason: str) -> None:
    validity = step.requirement.validity_days
    step.status, step.reason = Step.Status.APPROVED, reason[:1000]
    step.reviewed_by, step.reviewed_at = actor, timezone.now()
    step.valid_until = step.reviewed_at + timedelta(days=validity) if validity else None
    step.save()
    _schedule_deletion(step)
    audit_record(
        actor=actor,
        action="vetting.step_approve",
        subject=step,
        after={"requirement": step.requirement.kind, "valid_until": _plain(step.valid_until)},
        reason=reason,
    )


def _schedule_deletion(step: Step) -> None:
    days = marketplace_settings().document_retention_days
    step.documents.filter(delete_after__isnull=True).update(
        delete_after=timezone.now() + timedelta(days=days)
    )


@transaction.atomic
def step_review(
    *,
    admin: User,
    application: Application,
    requirement: Requirement,
    approve: bool,
    reason: str = "",
    note: str = "",
) -> Step:
    _check_not_own(application, admin)
    if requirement.kind not in Requirement.REVIEWED_KINDS:
        raise ApplicationError.invalid_field(
            "requirement", gettext("This step is decided automatically."), code=errors.INVALID_RULE
        )
    step = _step(application, requirement)
    if requirement.kind in Requirement.DOCUMENT_KINDS and not step.documents.exists():
        raise ApplicationError.invalid_field(
            "requirement",
            gettext("No document was uploaded yet."),
            code=errors.APPLICATION_INCOMPLETE,
        )
    if not approve and not reason.strip():
        raise ApplicationError.invalid_field(
            "reason", gettext("Say why, so the provider can fix it.")
        )
    step.note = note[:1000]
    if approve:
        _approve_step(step, actor=admin, reason=reason)
    else:
        step.status, step.reason = Step.Status.REJECTED, reason[:1000]
        step.reviewed_by, step.reviewed_at = admin, timezone.now()
        step.save()
        _schedule_deletion(step)
        audit_record(
            actor=admin,
            action="vetting.step_reject",
            subject=step,
            after={"requirement": requirement.kind},
            reason=reason,
        )
    user = application.provider.user
    notify_provider(
        user=user,
        kind="step",
        approved=approve,
        reason=reason,
        step_title=requirement.title_in(user.preferred_language or "en"),
    )
    return step


@transaction.atomic
def application_decide(
    *, admin: User, application: Application, approve: bool, reason: str = ""
) -> Application:
    """Approve (every step satisfied) or reject (with a reason) a submitted application."""
    application = (
        Application.objects.select_for_update()
        .select_related("provider__user")
        .get(pk=application.pk)
    )
    _check_not_own(application, admin)
    if application.status != Application.Status.SUBMITTED:
        raise Conflict(
            errors.APPLICATION_STATE,
            gettext("Only submitted applications are decided."),
            extra={"status": application.status},
        )
    if approve:
        missing = [
            s.requirement.title_in("en") for s in application_states(application) if not s.satisfied
        ]
        if missing:
            raise ApplicationError(
                errors.APPLICATION_INCOMPLETE,
                gettext("These steps are not satisfied: %(steps)s") % {"steps": ", ".join(missing)},
                fields={"steps": missing},
                status=409,
            )
    elif not reason.strip():
        raise ApplicationError.invalid_field(
            "reason", gettext("Say why the application is rejected.")
        )
    provider = application.provider
    before = {"status": application.status, "is_vetted": provider.is_vetted}
    application.status = Application.Status.APPROVED if approve else Application.Status.REJECTED
    application.decided_at, application.decided_by = timezone.now(), admin
    application.decision_reason = reason[:1000]
    if approve:
        application.revetting_deadline, application.revetting_reason = None, ""
    application.save()
    _set_vetted(provider, approve)
    audit_record(
        actor=admin,
        action="vetting.approve" if approve else "vetting.reject",
        subject=application,
        before=before,
        after={"status": application.status, "is_vetted": approve},
        reason=reason,
    )
    user = provider.user
    notify_provider(user=user, kind="application", approved=approve, reason=reason)
    publish(
        VettingDecided(
            application_id=application.pk,
            provider_id=provider.pk,
            approved=approve,
            actor_id=admin.pk,
        )
    )
    return application


def _set_vetted(provider: ProviderProfile, vetted: bool) -> None:
    # Rule badges follow through ProviderFactsChanged (trust's own subscriber).
    provider_vetting_set(provider=provider, vetted=vetted)


def revetting_flag_affected(*, reason: str) -> int:
    """Flag vetted providers the current rules no longer cover; never un-vet on the spot."""
    deadline = timezone.now() + timedelta(days=marketplace_settings().revetting_grace_days)
    flagged = 0
    for provider in ProviderProfile.objects.filter(is_vetted=True).select_related("user"):
        application = application_for(provider)
        if application.revetting_deadline is not None:
            continue
        if all(state.satisfied for state in application_states(application)):
            continue
        application.revetting_deadline, application.revetting_reason = deadline, reason
        application.status = Application.Status.DRAFT
        application.save(update_fields=["revetting_deadline", "revetting_reason", "status"])
        audit_record(
            actor=None,
            action="vetting.revetting_flag",
            subject=application,
            after={"deadline": deadline.isoformat()},
            reason=reason,
        )
        user = provider.user
        notify_provider(user=user, kind="revetting", deadline=deadline, reason=reason)
        flagged += 1
    return flagged


@transaction.atomic
def revetting_enforce_due(*, now: datetime | None = None) -> int:
    """Un-vet flagged providers whose deadline passed without a new approval."""
    now = now or timezone.now()
    due = Application.objects.filter(
        revetting_deadline__lte=now, provider__is_vetted=True
    ).select_related("provider")
    count = 0
    for application in due:
        _set_vetted(application.provider, False)
        audit_record(
            actor=None,
            action="vetting.revetting_lapsed",
            subject=application,
            before={"is_vetted": True},
            after={"is_vetted": False},
            reason="The re-vetting deadline passed.",
        )
        count += 1
    return count


def requirements_expire_due(*, now: datetime | None = None) -> int:
    """Approvals that expired (e.g. a yearly criminal-record extract) flag their provider."""
    now = now or timezone.now()
    expired = Step.objects.filter(
        status=Step.Status.APPROVED, valid_until__lte=now, application__provider__is_vetted=True
    ).count()
    if expired:
        revetting_flag_affected(reason="An approval expired.")
    return expired


@transaction.atomic
def provider_suspend(*, admin: User, provider: ProviderProfile, reason: str) -> ProviderProfile:
    """Hide the provider's listings and flag their future bookings; audited."""
    from quartier.bookings.models import BLOCKING_STATUSES, Booking

    if not reason.strip():
        raise ApplicationError.invalid_field(
            "reason", gettext("Say why the provider is suspended.")
        )
    if provider.user_id == admin.pk:
        raise PermissionDenied(gettext("You cannot suspend yourself."))
    before = {"is_suspended": provider.is_suspended}
    # Rule badges (vetted) follow through ProviderFactsChanged (trust's own subscriber).
    provider_suspension_set(provider=provider, suspended=True)
    flagged = Booking.objects.filter(
        provider=provider, starts_at__gte=timezone.now(), status__in=BLOCKING_STATUSES
    ).update(needs_attention=True)
    audit_record(
        actor=admin,
        action="provider.suspend",
        subject=provider,
        before=before,
        after={"is_suspended": True, "future_bookings_flagged": flagged},
        reason=reason,
    )
    user = provider.user
    notify_provider(user=user, kind="suspension", approved=False, reason=reason)
    return provider


@transaction.atomic
def provider_unsuspend(
    *, admin: User, provider: ProviderProfile, reason: str = ""
) -> ProviderProfile:
    before = {"is_suspended": provider.is_suspended}
    provider_suspension_set(provider=provider, suspended=False)
    audit_record(
        actor=admin,
        action="provider.unsuspend",
        subject=provider,
        before=before,
        after={"is_suspended": False},
        reason=reason,
    )
    user = provider.user
    notify_provider(user=user, kind="suspension", approved=True, reason=reason)
    return provider


def documents_delete_due(*, now: datetime | None = None) -> int:
    """Retention: delete private files whose keeping time is over (safe to run twice)."""
    now = now or timezone.now()
    count = 0
    for document in Document.objects.filter(delete_after__lte=now):
        document.file.delete(save=False)
        document.delete()
        count += 1
    return count
