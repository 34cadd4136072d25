"""Template helpers of the workspace pages and the onboarding banner of the dashboard."""

from django import template

from quartier.workspace.selectors import onboarding_progress

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
