from django import template

from quartier.sso.selectors import sso_button_label, sso_configuration

register = template.Library()


@register.inclusion_tag("sso/_button.html", takes_context=True)
def sso_button(context):
    configuration = sso_configuration()
    return {
        "sso_enabled": configuration.is_enabled,
        "sso_only": configuration.is_sso_only,
        "sso_label": sso_button_label(configuration) if configuration.is_enabled else "",
        "csrf_token": context.get("csrf_token"),
        "next": context.get("next", ""),
    }


@register.simple_tag
def sso_only() -> bool:
    """True when the tenant allows single sign-on only (no password form)."""
    return sso_configuration().is_sso_only
