"""Reads on vetting and badges, fetched and authorised together."""

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from quartier.accounts.models import User
from quartier.marketplace.models import AuditEntry
from quartier.platform.errors import NotFound
from quartier.providers.models import ProviderProfile
from quartier.trust.models import Application, Badge, BadgeAward, Document, Quiz, Requirement


def requirements(*, include_inactive: bool = False) -> QuerySet[Requirement]:
    found = Requirement.objects.select_related("quiz")
    return found if include_inactive else found.filter(is_active=True)


def requirement_get(*, requirement_id: int) -> Requirement:
    requirement = Requirement.objects.filter(pk=requirement_id).first()
    if requirement is None:
        raise NotFound(_("No such requirement."))
    return requirement


def quiz_get(*, quiz_id: int) -> Quiz:
    quiz = (
        Quiz.objects.select_related("requirement")
        .prefetch_related("questions__choices")
        .filter(pk=quiz_id, requirement__is_active=True)
        .first()
    )
    if quiz is None:
        raise NotFound(_("No such quiz."))
    return quiz


def applications() -> QuerySet[Application]:
    return Application.objects.select_related("provider__user").order_by("-submitted_at", "-id")


def application_get(*, application_id: int) -> Application:
    application = applications().filter(pk=application_id).first()
    if application is None:
        raise NotFound(_("No such application."))
    return application


def document_get_for_user(*, document_id: int, user: User) -> Document:
    """The uploading provider and the tenant's admins may see a document."""
    document = (
        Document.objects.select_related("step__application__provider")
        .filter(pk=document_id)
        .first()
    )
    if document is None or not document_is_visible(document, user):
        raise NotFound(_("No such document."))
    return document


def document_is_visible(document: Document, user: User) -> bool:
    return user.is_authenticated and (
        user.is_tenant_admin or document.step.application.provider.user_id == user.pk
    )


def badges(*, include_inactive: bool = False) -> QuerySet[Badge]:
    found = Badge.objects.prefetch_related("categories")
    return found if include_inactive else found.filter(is_active=True)


def badge_get(*, badge_id: int) -> Badge:
    badge = badges(include_inactive=True).filter(pk=badge_id).first()
    if badge is None:
        raise NotFound(_("No such badge."))
    return badge


def award_get(*, award_id: int) -> BadgeAward:
    award = BadgeAward.objects.select_related("badge", "provider").filter(pk=award_id).first()
    if award is None:
        raise NotFound(_("No such award."))
    return award


def awards_of(provider: ProviderProfile) -> QuerySet[BadgeAward]:
    return BadgeAward.objects.filter(provider=provider).select_related("badge")


def audit_entries() -> QuerySet[AuditEntry]:
    return AuditEntry.objects.select_related("actor")
