"""Trust pages: the signed download of a private document."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from quartier.platform.errors import NotFound
from quartier.trust.documents import document_from_token
from quartier.trust.selectors import document_is_visible


@never_cache
@login_required
def document_download(request, token):
    """A valid, unexpired signature AND the signed-in admin or owner of this tenant."""
    document = document_from_token(token)
    if not document_is_visible(document, request.user):
        raise NotFound(_("No such document."))
    response = FileResponse(document.file.open("rb"), content_type=document.content_type)
    response["Content-Disposition"] = "attachment"
    response["X-Content-Type-Options"] = "nosniff"
    return response
