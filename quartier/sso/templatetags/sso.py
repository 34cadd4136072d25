from django import template

from quartier.sso.selectors import sso_button_label, sso_configuration, sso_configuration_for

register = template.Library()


@register.inclusion_tag("sso/_button.html", takes_context=True)
def sso_button(context):
    configuration = _configuration(context)
    return {
        "sso_enabled": configuration.is_enabled,
        "sso_only": configuration.is_sso_only,
        "sso_label": sso_button_label(configuration) if configuration.is_enabled else "",
        "csrf_token": context.get("csrf_token"),
        "next": context.get("next", ""),
    }


@register.simple_tag(takes_context=True)
def sso_only(context) -> bool:
    """True when the tenant allows single sign-on only (no password form)."""
    return _configuration(context).is_sso_only


def _configuration(context):
    request = context.get("request")
    return sso_configuration_for(request) if request is not None else sso_configuration()
