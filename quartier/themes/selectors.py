"""Reads of the theme: the published snapshot (cached per tenant), the draft, the CSS.

Cache keys carry the tenant's schema (on top of the cache's own tenant prefix) and, for
the stylesheet, the published version: publishing bumps the version and drops the
snapshot entry, so every process serves the new brand on its next request, with no
restart and no stale entry to wait out.
"""

from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection

from quartier.platform.tenant_cache import cached, tenant_key
from quartier.themes import tokens as t
from quartier.themes.css import theme_stylesheet
from quartier.themes.models import Theme

CACHE_SECONDS = 24 * 60 * 60


@dataclass(frozen=True)
class ThemeSnapshot:
    """One complete token set with its files, as shown to visitors or previewed."""

    tokens: dict
    version: int
    revision: int
    logo: str = ""
    favicon: str = ""
    is_draft: bool = False


def published_cache_key() -> str:
    return tenant_key("themes:published")


def css_cache_key(version: int) -> str:
    return f"themes:css:{connection.schema_name}:v{version}"


def theme_get() -> Theme:
    """The tenant's theme row; an unsaved default when provisioning predates themes."""
    theme = Theme.objects.filter(singleton=True).first()
    if theme is None:
        defaults = t.default_tokens(name=_marketplace_name())
        theme = Theme(draft=defaults, published=defaults)
    return theme


def _marketplace_name() -> str:
    from quartier.marketplace.models import MarketplaceSettings

    return (
        MarketplaceSettings.objects.filter(singleton=True)
        .values_list("display_name", flat=True)
        .first()
        or ""
    )


def theme_published() -> ThemeSnapshot:
    """What visitors see; from the cache when warm (no query), once per request."""
    return cached(published_cache_key(), _published_snapshot, CACHE_SECONDS)


def _published_snapshot() -> ThemeSnapshot:
    theme = theme_get()
    return ThemeSnapshot(
        tokens=theme.published,
        version=theme.version,
        revision=theme.version,
        logo=theme.published_logo.name or "",
        favicon=theme.published_favicon.name or "",
    )


def theme_draft() -> ThemeSnapshot:
    """The draft under edit (never cached: previews must show the latest save)."""
    theme = theme_get()
    return ThemeSnapshot(
        tokens=theme.draft,
        version=theme.version,
        revision=theme.draft_revision,
        logo=theme.draft_logo.name or "",
        favicon=theme.draft_favicon.name or "",
        is_draft=True,
    )


def theme_css(snapshot: ThemeSnapshot) -> str:
    """The stylesheet of a snapshot; the published one is cached by tenant and version."""
    if snapshot.is_draft:
        return theme_stylesheet(snapshot.tokens)
    key = css_cache_key(snapshot.version)
    css = cache.get(key)
    if css is None:
        css = theme_stylesheet(snapshot.tokens)
        cache.set(key, css, CACHE_SECONDS)
    return css
