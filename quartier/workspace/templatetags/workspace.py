"""Template helpers of the workspace pages and the onboarding banner of the dashboard."""

from django import template
from django.utils.translation import get_language

from quartier.workspace.overview import overview_of
from quartier.workspace.selectors import onboarding_progress
from quartier.workspace.views.tasks import tasks_near

register = template.Library()


@register.simple_tag
def described_widget(field):
    """A field's widget pointing at its hint and error, and marked invalid on error."""
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}-hint")
    attrs = {}
    if field.errors:
        described.append(f"{field.auto_id}-error")
        attrs["aria-invalid"] = "true"
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return field.as_widget(attrs=attrs)


@register.inclusion_tag("workspace/_next_step.html")
def onboarding_banner(user):
    """ "2 of 4 done: upload your ..." with a link, while the onboarding is not complete."""
    return {"progress": onboarding_progress(user)}


# Text glyphs every system font has (emoji would show as empty boxes without an emoji font).
BADGE_ICONS = {"shield": "◆", "star": "★", "check": "✓", "heart": "♥", "bolt": "ϟ", "medal": "✪"}


@register.inclusion_tag("workspace/_overview.html", takes_context=True)
def helper_overview(context, profile):
    """The dashboard's cards: urgent requests, tasks near me, messages, rating, badges,
    earnings, each with the page where the helper acts on it."""
    overview = overview_of(profile, tasks_near_count=len(tasks_near(profile)))
    language = (get_language() or "en")[:2]
    return {
        "overview": overview,
        "badges": [
            (
                award,
                award.badge.name_in(language),
                BADGE_ICONS.get(award.badge.icon, "★"),
            )
            for award in overview.badges
        ],
        "request": context.get("request"),
        "csrf_token": context.get("csrf_token"),
    }
