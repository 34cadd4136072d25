"""Template helpers of the back office."""

from django import template

from quartier.marketplace.selectors import localized
from quartier.platform.formatting import duration_format

register = template.Library()


@register.filter
def in_language(texts, fallback: str = "") -> str:
    """A {"de": ..., "en": ...} text in the active language, else in the marketplace's
    default language (quartier.marketplace.selectors.localized)."""
    if not isinstance(texts, dict) or not texts:
        return fallback
    return localized(texts) or fallback


@register.filter
def get_item(mapping, key):
    return mapping.get(key, key) if isinstance(mapping, dict) else key


@register.filter
def duration(delay) -> str:
    """A timedelta as "12 min" or "1 h 05 min"; "–" when there is none."""
    return duration_format(delay)
