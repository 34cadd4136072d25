"""Reads of the marketplace settings."""

from dataclasses import dataclass

from quartier.marketplace.models import (
    LANGUAGES_KEY,
    RATING_MINIMUM_KEY,
    SETTINGS_KEY,
    MarketplaceSettings,
)
from quartier.platform.tenant_cache import cached, tenant_key

LANGUAGES_CACHE_SECONDS = 24 * 60 * 60
SETTINGS_CACHE_SECONDS = 24 * 60 * 60


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


def settings_cache_key() -> str:
    return tenant_key(SETTINGS_KEY)


def marketplace_settings() -> MarketplaceSettings:
    """The current tenant's settings (created by provisioning; never missing), to read:
    from the cache when warm. Changes go through marketplace_settings_for_update()."""
    return cached(settings_cache_key(), _settings_row, SETTINGS_CACHE_SECONDS)


def _settings_row() -> MarketplaceSettings:
    return MarketplaceSettings.objects.get(singleton=True)


def marketplace_settings_for_update() -> MarketplaceSettings:
    """The settings row from the database, locked until the transaction ends."""
    return MarketplaceSettings.objects.select_for_update().get(singleton=True)


def languages_cache_key() -> str:
    return tenant_key(LANGUAGES_KEY)


def marketplace_languages() -> MarketplaceLanguages:
    """The current tenant's languages; from the cache when warm (every request reads it)."""
    return cached(languages_cache_key(), _languages, LANGUAGES_CACHE_SECONDS)


def _languages() -> MarketplaceLanguages:
    default, enabled = MarketplaceSettings.objects.filter(singleton=True).values_list(
        "default_language", "enabled_languages"
    ).first() or ("de", ["de", "fr", "it", "en"])
    # The default is always spoken, whatever an old row says.
    enabled = tuple(enabled) if default in enabled else (default, *enabled)
    return MarketplaceLanguages(default=default, enabled=enabled)


RATING_MINIMUM_CACHE_SECONDS = 5 * 60


def rating_minimum_cache_key() -> str:
    return tenant_key(RATING_MINIMUM_KEY)


def rating_min_reviews() -> int:
    """Published reviews a provider needs before a number is shown (else "New");
    from the cache when warm, because every page with a helper on it reads it."""
    return cached(rating_minimum_cache_key(), _rating_minimum, RATING_MINIMUM_CACHE_SECONDS)


def _rating_minimum() -> int:
    minimum = (
        MarketplaceSettings.objects.filter(singleton=True)
        .values_list("rating_min_reviews", flat=True)
        .first()
    )
    return 3 if minimum is None else minimum


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
