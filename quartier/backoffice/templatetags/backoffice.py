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


@register.filter
def duration(delay) -> str:
    """A timedelta as "12 min" or "1 h 05 min"; "–" when there is none."""
    from django.utils.translation import gettext as _

    if delay is None:
        return "–"
    minutes = round(delay.total_seconds() / 60)
    if minutes < 60:
        return _("%(minutes)d min") % {"minutes": minutes}
    return _("%(hours)d h %(minutes)02d min") % {"hours": minutes // 60, "minutes": minutes % 60}
