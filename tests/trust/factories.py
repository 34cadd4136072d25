"""Vetting rules, applications and badges for tests, made through the real services."""

import itertools

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from quartier.marketplace.models import AuditEntry
from quartier.providers.models import ProviderProfile
from quartier.trust.models import Application, Badge, BadgeAward, Requirement, Step
from quartier.trust.services.badges import badge_award, badge_create
from quartier.trust.services.vetting import document_upload, requirement_create

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
_numbers = itertools.count(1)


def vetting_rule(*, admin, title: str, kind: str = "identity_document") -> Requirement:
    return requirement_create(actor=admin, kind=kind, titles={"en": title})


def submitted_application(*, provider: ProviderProfile, requirement: Requirement):
    """The provider's application with a document for `requirement`, sent for review."""
    document = document_upload(
        provider=provider, requirement=requirement, upload=SimpleUploadedFile("id.pdf", PDF)
    )
    application = Application.objects.get(provider=provider)
    Application.objects.filter(pk=application.pk).update(
        status="submitted", submitted_at=timezone.now()
    )
    return application, document


def make_badge(*, admin, name: str, slug: str = "") -> Badge:
    slug = slug or f"badge-{next(_numbers)}"
    return badge_create(slug=slug, names={"en": name}, actor=admin)


def award(*, badge: Badge, provider: ProviderProfile) -> BadgeAward:
    return badge_award(badge=badge, provider=provider, actor=None)


def trust_state() -> tuple:
    """Everything of trust that a refused request must leave as it was."""
    return (
        list(Requirement.objects.values_list("pk", "titles", "is_active")),
        list(Application.objects.values_list("pk", "status")),
        list(Step.objects.values_list("pk", "status")),
        list(Badge.objects.values_list("pk", "names", "is_active")),
        list(BadgeAward.objects.values_list("pk", "revoked_at")),
        list(ProviderProfile.objects.values_list("pk", "is_suspended", "is_vetted")),
        AuditEntry.objects.count(),
    )
