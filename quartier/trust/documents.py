"""Short-lived links to private vetting documents; there is never a public URL.

On S3 the link is a presigned GET for the tenant-prefixed key. On the local disk it is a
signed, expiring token for our own download view, which also requires the signed-in
admin (or the provider who uploaded it) of the same tenant; the tenant's schema is part
of the signature, so a link from one tenant is void on every other.
"""

from datetime import timedelta

from django.conf import settings
from django.core.signing import BadSignature, SignatureExpired, TimestampSigner
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from storages.backends.s3 import S3Storage

from quartier.platform.errors import ApplicationError, NotFound
from quartier.trust import errors
from quartier.trust.models import Document


def _signer() -> TimestampSigner:
    return TimestampSigner(salt=f"quartier.trust.document:{connection.schema_name}")


def document_link(document: Document) -> dict:
    seconds = settings.PRIVATE_URL_SECONDS
    expires_at = timezone.now() + timedelta(seconds=seconds)
    storage = document.file.storage
    if isinstance(storage, S3Storage):
        url = storage.url(document.file.name, expire=seconds)
    else:
        token = _signer().sign(str(document.pk))
        url = reverse("trust:document-download", kwargs={"token": token})
    return {"url": url, "expires_at": expires_at, "content_type": document.content_type}


def document_from_token(token: str) -> Document:
    try:
        document_id = int(_signer().unsign(token, max_age=settings.PRIVATE_URL_SECONDS))
    except SignatureExpired as error:
        raise ApplicationError(
            errors.LINK_EXPIRED, _("This link has expired."), status=410
        ) from error
    except (BadSignature, ValueError) as error:
        raise NotFound(_("No such document.")) from error
    document = (
        Document.objects.select_related("step__application__provider")
        .filter(pk=document_id)
        .first()
    )
    if document is None:
        raise NotFound(_("No such document."))
    return document
