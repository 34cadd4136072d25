"""Private documents: signed, expiring links for the same tenant only; S3 via moto_server."""

import time
import urllib.error
import urllib.request

import boto3
import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from quartier.platform.storage import TenantS3Storage
from quartier.trust.documents import document_link
from quartier.trust.models import Document, Requirement
from quartier.trust.services.vetting import document_upload
from tests.catalog.factories import make_provider

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def document(tenant_a):
    with tenant_a.context():
        provider = make_provider(user=tenant_a.users["provider"], vetted=False)
        requirement = Requirement.objects.create(
            kind="identity_document", titles={"en": "Identity"}
        )
        return document_upload(
            provider=provider, requirement=requirement, upload=SimpleUploadedFile("id.pdf", PDF)
        )


def _link(handle, role, document):
    response = handle.client(role).get(f"/api/vetting/documents/{document.pk}/link/")
    assert response.status_code == 200
    return response.json()["url"]


def test_a_signed_link_works_for_the_admin_and_the_owner_of_the_same_tenant(tenant_a, document):
    url = _link(tenant_a, "admin", document)

    admin = tenant_a.session_client("admin").get(url)
    owner = tenant_a.session_client("provider").get(url)
    customer = tenant_a.session_client("customer").get(url)
    anonymous = tenant_a.client().get(url)

    assert admin.status_code == 200
    assert b"".join(admin.streaming_content) == PDF
    assert admin["Content-Type"] == "application/pdf"
    assert owner.status_code == 200
    assert customer.status_code == 404
    assert anonymous.status_code == 302  # to the login page
    assert (
        tenant_a.client("customer").get(f"/api/vetting/documents/{document.pk}/link/").status_code
        == 404
    )


def test_a_signed_link_expires(tenant_a, document, settings):
    url = _link(tenant_a, "admin", document)
    settings.PRIVATE_URL_SECONDS = 0
    time.sleep(1.1)

    response = tenant_a.session_client("admin").get(url)

    assert response.status_code == 410


def test_a_link_of_tenant_a_is_void_on_tenant_b(tenant_a, tenant_b, document):
    url = _link(tenant_a, "admin", document)

    response = tenant_b.session_client("admin").get(url)

    assert response.status_code == 404
    assert (
        tenant_b.client("admin").get(f"/api/vetting/documents/{document.pk}/link/").status_code
        == 404
    )


def test_documents_never_have_a_public_url(tenant_a, document):
    with tenant_a.context():
        stored = Document.objects.get(pk=document.pk)
        assert stored.file.name.startswith("t_telco/vetting/")
        with pytest.raises(NotImplementedError):
            stored.file.url  # noqa: B018


@pytest.fixture
def s3_private(moto_s3):
    """The private storage as production configures it, on a real S3 server."""
    bucket = "quartier-private-test"
    boto3.client(
        "s3",
        endpoint_url=moto_s3,
        region_name="eu-central-2",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    ).create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-central-2"})
    return TenantS3Storage(
        bucket_name=bucket,
        endpoint_url=moto_s3,
        region_name="eu-central-2",
        access_key="test",
        secret_key="test",
        location="private",
        querystring_auth=True,
        querystring_expire=2,
        default_acl="private",
        addressing_style="path",
        signature_version="s3v4",
        file_overwrite=False,
    )


def _fetch(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (test server)
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, b""


def test_s3_keys_are_tenant_prefixed_and_links_are_presigned(
    tenant_a, tenant_b, s3_private, document, monkeypatch, settings
):
    field = Document._meta.get_field("file")
    monkeypatch.setattr(field, "storage", s3_private)
    with tenant_a.context():
        stored = Document.objects.get(pk=document.pk)
        name = s3_private.save("vetting/1/id.pdf", ContentFile(PDF))
        Document.objects.filter(pk=stored.pk).update(file=name)
        stored.refresh_from_db()
        link = document_link(stored)
        assert s3_private.exists(name)

    assert name.startswith("t_telco/")
    assert "X-Amz-Signature=" in link["url"]
    # S3 itself enforces the expiry it is given (moto does not emulate that part).
    assert f"X-Amz-Expires={settings.PRIVATE_URL_SECONDS}" in link["url"]
    assert "/private/t_telco/" in link["url"]
    assert _fetch(link["url"]) == (200, PDF)

    # The same stored name, asked for by tenant B, resolves under B's prefix: nothing there.
    with tenant_b.context():
        assert not s3_private.exists(name)
        with pytest.raises(FileNotFoundError):
            s3_private.open(name).read()
