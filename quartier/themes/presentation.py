"""The theme as pages use it: the snapshot for this request, texts in the active language.

`?preview=1` shows the draft, to the tenant's admins only; everyone else (and every
request without it) gets the published theme from the cache.
"""

from django.urls import reverse
from django.utils import translation
from django.utils.functional import cached_property

from quartier.themes import tokens as t
from quartier.themes.selectors import ThemeSnapshot, theme_draft, theme_published


def may_preview(request) -> bool:
    user = getattr(request, "user", None)
    return bool(
        getattr(request, "tenant", None) is not None
        and user is not None
        and user.is_authenticated
        and getattr(user, "is_tenant_admin", False)
    )


def wants_preview(request) -> bool:
    return request.GET.get("preview") == "1" and may_preview(request)


def snapshot_for_request(request) -> ThemeSnapshot:
    """The draft for an admin's preview, else the published theme (once per request)."""
    snapshot = getattr(request, "_theme_snapshot", None)
    if snapshot is None:
        snapshot = theme_draft() if wants_preview(request) else theme_published()
        request._theme_snapshot = snapshot
    return snapshot


def _in_language(texts: dict, language: str) -> str:
    """The text in `language`, else in the first language that has one."""
    if not isinstance(texts, dict):
        return ""
    for candidate in (language, *t.LANGUAGES):
        value = texts.get(candidate)
        if isinstance(value, str) and value:
            return value
    return ""


class ThemePresentation:
    """What templates read as `theme`: URLs, texts in the active language, links."""

    def __init__(self, snapshot: ThemeSnapshot):
        self.snapshot = snapshot

    @property
    def is_preview(self) -> bool:
        return self.snapshot.is_draft

    @property
    def version(self) -> int:
        return self.snapshot.version

    def _url(self, name: str) -> str:
        base = reverse(name)
        if self.snapshot.is_draft:
            return f"{base}?preview=1&r={self.snapshot.revision}"
        return f"{base}?v={self.snapshot.version}"

    @property
    def css_url(self) -> str:
        return self._url("themes:css")

    @property
    def logo_url(self) -> str:
        return self._url("themes:logo") if self.snapshot.logo else ""

    @property
    def favicon_url(self) -> str:
        return self._url("themes:favicon") if self.snapshot.favicon else ""

    @property
    def favicon_type(self) -> str:
        return "image/png" if self.snapshot.favicon.endswith(".png") else "image/jpeg"

    def _text(self, field: str) -> str:
        return _in_language(self.snapshot.tokens.get(field, {}), translation.get_language() or "")

    @property
    def hero_title(self) -> str:
        return self._text("hero_title")

    @property
    def hero_text(self) -> str:
        return self._text("hero_text")

    @property
    def imprint(self) -> str:
        return self._text("imprint")

    @property
    def privacy(self) -> str:
        return self._text("privacy")

    @cached_property
    def footer_links(self) -> list[dict]:
        """Links whose address still passes validation (defence in depth), with a label."""
        language = translation.get_language() or ""
        links = []
        for link in self.snapshot.tokens.get("footer_links", []):
            if not isinstance(link, dict) or not t.is_https_url(link.get("url")):
                continue
            label = _in_language(link.get("labels", {}), language)
            if label:
                links.append({"url": link["url"], "label": label})
        return links


def theme_for_request(request) -> ThemePresentation:
    return ThemePresentation(snapshot_for_request(request))
