from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from quartier.trust.models import Document, Requirement
from quartier.trust.services.vetting import document_upload, step_review
from quartier.trust.tasks import trust_daily
from tests.catalog.factories import make_provider

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_the_daily_task_deletes_documents_after_retention(tenant_a):
    with tenant_a.context():
        provider = make_provider(user=tenant_a.users["provider"], vetted=False)
        requirement = Requirement.objects.create(kind="criminal_record", titles={"en": "Extract"})
        document = document_upload(
            provider=provider, requirement=requirement, upload=SimpleUploadedFile("x.pdf", PDF)
        )
        step_review(
            admin=tenant_a.users["admin"],
            application=provider.application,
            requirement=requirement,
            approve=True,
        )
        stored = Document.objects.get(pk=document.pk)
        name, storage = stored.file.name, stored.file.storage
        assert stored.delete_after > timezone.now() + timedelta(days=89)
        assert trust_daily(schema_name="t_telco")["documents_deleted"] == 0
        Document.objects.filter(pk=document.pk).update(
            delete_after=timezone.now() - timedelta(seconds=1)
        )

    totals = trust_daily(schema_name="t_telco")

    assert totals["documents_deleted"] == 1
    with tenant_a.context():
        assert not Document.objects.exists()
        assert not storage.exists(name)
