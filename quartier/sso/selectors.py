from quartier.sso.models import SsoConfiguration


def sso_configuration() -> SsoConfiguration:
    """The tenant's SSO configuration; an unsaved default (password only) when none."""
    return SsoConfiguration.objects.filter(singleton=True).first() or SsoConfiguration()


def sso_button_label(configuration: SsoConfiguration) -> str:
    """ "Continue with <brand> account", with the marketplace's name as the default brand."""
    from django.utils.translation import gettext

    from quartier.marketplace.selectors import marketplace_settings

    brand = configuration.brand_name or marketplace_settings().display_name
    return gettext("Continue with %(brand)s account") % {"brand": brand}


def sso_configuration_for(request) -> SsoConfiguration:
    """sso_configuration(), read once per request (the middleware and the sign-in page
    both ask)."""
    if not hasattr(request, "_sso_configuration"):
        request._sso_configuration = sso_configuration()
    return request._sso_configuration
