"""Pages of the marketplace settings: the visitor's language switch."""

from django.http import HttpResponseBadRequest
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from quartier.marketplace.selectors import marketplace_languages


@require_POST
def language_switch(request):
    """Django's set_language, for the languages this marketplace enabled only."""
    language = request.POST.get("language", "")
    if language not in marketplace_languages().enabled:
        return HttpResponseBadRequest(
            _("This marketplace is not available in that language."),
            content_type="text/plain; charset=utf-8",
        )
    return set_language(request)
