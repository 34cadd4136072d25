"""Template helpers of the back office."""

from django import template
from django.utils import translation

register = template.Library()


@register.filter
def in_language(texts, fallback: str = "") -> str:
    """A {"de": ..., "en": ...} text in the active language, else the first one given."""
    if not isinstance(texts, dict) or not texts:
        return fallback
    language = (translation.get_language() or "en")[:2]
    return texts.get(language) or next(iter(texts.values()), fallback)


@register.filter
def get_item(mapping, key):
    return mapping.get(key, key) if isinstance(mapping, dict) else key
