"""Under "single sign-on only" the password forms refuse their POSTs.

A middleware (not a change to the accounts views) because the password sign-in, sign-up
and reset views belong to the accounts app, below this one: they know nothing of SSO.
Runs after tenant resolution and the locale (the refusal page is translated).
"""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

PASSWORD_ROUTES = ("accounts:login", "accounts:signup", "accounts:password-reset")


class SsoOnlyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        tenant = getattr(request, "tenant", None)
        if (
            request.method == "POST"
            and tenant is not None
            and tenant.schema_name != "public"
            and request.path_info in _password_paths()
        ):
            from quartier.sso.adapter import sso_error_response
            from quartier.sso.selectors import sso_configuration

            if sso_configuration().is_sso_only:
                return sso_error_response(
                    request,
                    _("This marketplace signs you in through your provider only."),
                    status=403,
                )
        return self.get_response(request)


def _password_paths() -> set[str]:
    try:
        return {reverse(name) for name in PASSWORD_ROUTES}
    except NoReverseMatch:  # the operator's host has no sign-in forms of a marketplace
        return set()
