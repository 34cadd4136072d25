"""The language of a request on a marketplace: only ones the tenant enabled."""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.translation.trans_real import parse_accept_lang_header


class MarketplaceLocaleMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware, limited to the tenant's enabled languages.

    On a marketplace the visitor's choice (the language cookie set by the switcher)
    wins, then the browser's Accept-Language, then the tenant's default language; a
    language the tenant did not enable is never picked. The operator's host keeps
    Django's own rules. Runs after tenant resolution (it reads the tenant's settings,
    cached per schema, so a warm request costs no query).
    """

    def process_request(self, request):
        if getattr(request, "tenant", None) is None:
            return super().process_request(request)
        from quartier.marketplace.selectors import marketplace_languages

        languages = marketplace_languages()
        candidates = [request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")]
        candidates += [
            code for code, _ in parse_accept_lang_header(request.headers.get("Accept-Language", ""))
        ]
        translation.activate(languages.best(candidates))
        request.LANGUAGE_CODE = translation.get_language()
        return None
