"""Reads of the workspace: where a helper stands in the onboarding, their vetting steps.

The wizard has four steps (profile, vetting, first listing, done); each is "done" by a
fact the other apps keep (a profile exists, the application was sent or approved, a
listing exists), so leaving and coming back resumes where the helper stopped.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from quartier.accounts.models import User
from quartier.catalog.selectors.catalog import listings_of_user
from quartier.marketplace.selectors import marketplace_settings
from quartier.providers.models import ProviderProfile
from quartier.providers.selectors import provider_profile_of
from quartier.trust.models import Application, Quiz, QuizAttempt, Requirement
from quartier.trust.services.vetting import StepState, application_states

# An approval this close to its end shows as "expires on ...".
EXPIRY_WARNING = timedelta(days=30)
# Steps a helper does on these pages; the others are decided by an admin or by facts.
ACTIONABLE_KINDS = frozenset(
    {
        Requirement.Kind.IDENTITY_DOCUMENT,
        Requirement.Kind.CRIMINAL_RECORD,
        Requirement.Kind.QUIZ,
        Requirement.Kind.EMAIL_VERIFIED,
        Requirement.Kind.PHONE_VERIFIED,
        Requirement.Kind.SOCIAL_PROFILE,
    }
)
OPEN_STATUSES = frozenset({"todo", "rejected", "expired"})

STEP_NAMES = {
    "profile": gettext_lazy("Your profile"),
    "vetting": gettext_lazy("Vetting"),
    "listing": gettext_lazy("Your first service"),
    "done": gettext_lazy("Done"),
}
STEP_URLS = {
    "profile": "workspace:profile",
    "vetting": "workspace:vetting",
    "listing": "workspace:first-listing",
    "done": "workspace:done",
}


@dataclass(frozen=True)
class RequirementRow:
    """One vetting requirement as the helper sees it."""

    requirement: Requirement
    title: str
    status: str  # todo, submitted, approved, rejected, expired, expiring
    reason: str
    valid_until: object
    is_actionable: bool


@dataclass(frozen=True)
class Progress:
    profile: ProviderProfile | None
    done: dict[str, bool]
    next_key: str
    next_text: str
    next_url: str

    @property
    def done_count(self) -> int:
        return sum(self.done.values())

    @property
    def total(self) -> int:
        return len(self.done)

    @property
    def is_complete(self) -> bool:
        return all(self.done.values())

    def number_of(self, key: str) -> int:
        return list(STEP_NAMES).index(key) + 1


def requirement_title(requirement: Requirement) -> str:
    return requirement.title_in((get_language() or "en")[:2])


def _row(state: StepState, now) -> RequirementRow:
    step = state.step
    status = {"missing": "todo", "pending": "submitted"}.get(state.status, state.status)
    valid_until = step.valid_until if step else None
    if status == "approved" and valid_until and valid_until - now <= EXPIRY_WARNING:
        status = "expiring"
    return RequirementRow(
        requirement=state.requirement,
        title=requirement_title(state.requirement),
        status=status,
        reason=step.reason if step and state.status == "rejected" else "",
        valid_until=valid_until,
        is_actionable=state.requirement.kind in ACTIONABLE_KINDS,
    )


def vetting_rows(profile: ProviderProfile) -> tuple[Application, list[RequirementRow]]:
    """The helper's application and each active requirement with its status, in order."""
    # A read never creates the application (GETs never write): an unsaved one stands in
    # until the helper's first vetting action.
    application = Application.objects.filter(provider=profile).first() or Application(
        provider=profile
    )
    now = timezone.now()
    return application, [_row(state, now) for state in application_states(application, now=now)]


def _vetting_done(
    profile: ProviderProfile, application: Application, rows: list[RequirementRow]
) -> bool:
    if application.status in (Application.Status.SUBMITTED, Application.Status.APPROVED):
        return True
    # A vetted helper flagged for re-vetting (the rules changed) has steps to do again.
    if profile.is_vetted and application.revetting_deadline is None:
        return True
    return not marketplace_settings().vetting_required and not rows


def _next_vetting_text(rows: list[RequirementRow]) -> tuple[str, str]:
    for row in rows:
        if row.status not in OPEN_STATUSES or not row.is_actionable:
            continue
        kind = row.requirement.kind
        url = reverse("workspace:requirement", args=[row.requirement.pk])
        if kind in Requirement.DOCUMENT_KINDS:
            return _("upload your document “%(step)s”") % {"step": row.title}, url
        if kind == Requirement.Kind.QUIZ:
            return _("pass the quiz “%(step)s”") % {"step": row.title}, url
        if kind == Requirement.Kind.EMAIL_VERIFIED:
            return _("confirm your e-mail address"), url
        if kind == Requirement.Kind.PHONE_VERIFIED:
            return _("confirm your phone number"), url
        return _("link a social profile"), reverse("workspace:profile")
    return _("send your application for review"), reverse("workspace:vetting")


def onboarding_progress(user: User) -> Progress:
    """Which wizard steps are done and what the helper should do next."""
    profile = provider_profile_of(user)
    if profile is None:
        return Progress(
            profile=None,
            done=dict.fromkeys(STEP_NAMES, False),
            next_key="profile",
            next_text=_("create your helper profile"),
            next_url=reverse("workspace:profile"),
        )
    application, rows = vetting_rows(profile)
    done = {
        "profile": True,
        "vetting": _vetting_done(profile, application, rows),
        "listing": listings_of_user(user).exists(),
    }
    done["done"] = all(done.values())
    if not done["vetting"]:
        text, url = _next_vetting_text(rows)
        return Progress(profile, done, "vetting", text, url)
    if not done["listing"]:
        return Progress(
            profile,
            done,
            "listing",
            _("describe your first service"),
            reverse("workspace:first-listing"),
        )
    return Progress(profile, done, "done", _("everything is ready"), reverse("workspace:listings"))


def quiz_attempts(profile: ProviderProfile, quiz: Quiz):
    """The helper's attempts at a quiz, newest first."""
    return QuizAttempt.objects.filter(quiz=quiz, provider=profile).order_by("-created_at", "-id")
