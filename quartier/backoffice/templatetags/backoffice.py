"""Template helpers of the back office."""

from django import template

from quartier.marketplace.selectors import localized

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
