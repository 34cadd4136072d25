"""Reads of the marketplace settings."""

from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection

from quartier.marketplace.models import MarketplaceSettings

LANGUAGES_CACHE_SECONDS = 24 * 60 * 60


@dataclass(frozen=True)
class MarketplaceLanguages:
    """The languages a marketplace speaks: its default and the ones visitors may choose."""

    default: str
    enabled: tuple[str, ...]

    def best(self, candidates) -> str:
        """The first candidate (a language code such as `de-CH`) the marketplace speaks."""
        for candidate in candidates:
            code = (candidate or "").lower().split("-")[0].split("_")[0]
            if code in self.enabled:
                return code
        return self.default


def marketplace_settings() -> MarketplaceSettings:
    """The current tenant's settings (created by provisioning; never missing)."""
    return MarketplaceSettings.objects.get(singleton=True)


def languages_cache_key() -> str:
    return f"marketplace:languages:{connection.schema_name}"


def marketplace_languages() -> MarketplaceLanguages:
    """The current tenant's languages; from the cache when warm (every request reads it)."""
    key = languages_cache_key()
    cached = cache.get(key)
    if cached is not None:
        return cached
    default, enabled = MarketplaceSettings.objects.filter(singleton=True).values_list(
        "default_language", "enabled_languages"
    ).first() or ("de", ["de", "fr", "it", "en"])
    # The default is always spoken, whatever an old row says.
    enabled = tuple(enabled) if default in enabled else (default, *enabled)
    languages = MarketplaceLanguages(default=default, enabled=enabled)
    cache.set(key, languages, LANGUAGES_CACHE_SECONDS)
    return languages


RATING_MINIMUM_CACHE_SECONDS = 5 * 60


def rating_minimum_cache_key() -> str:
    return f"marketplace:rating_min_reviews:{connection.schema_name}"


def rating_min_reviews() -> int:
    """Published reviews a provider needs before a number is shown (else "New");
    from the cache when warm, because every page with a helper on it reads it."""
    key = rating_minimum_cache_key()
    cached = cache.get(key)
    if cached is not None:
        return cached
    minimum = (
        MarketplaceSettings.objects.filter(singleton=True)
        .values_list("rating_min_reviews", flat=True)
        .first()
    )
    minimum = 3 if minimum is None else minimum
    cache.set(key, minimum, RATING_MINIMUM_CACHE_SECONDS)
    return minimum


def localized(names: dict | None, language: str | None = None) -> str:
    """A tenant-written text per language ({"de": ..., "fr": ...}) in `language` (default:
    the active one), else in the marketplace's default language, else English, else any;
    "" when there is none. Category and badge names go through it."""
    from django.utils.translation import get_language

    if not names:
        return ""
    wanted = (language or get_language() or "en")[:2]
    for code in (wanted, marketplace_languages().default, "en"):
        if names.get(code):
            return names[code]
    return next((name for name in names.values() if name), "")
