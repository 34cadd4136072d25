"""The password pages under single sign-on.

Under "single sign-on only" the password forms refuse their POSTs; while single sign-on
is on, the sign-in page's form-action also allows the provider's origin (a browser
checks form-action against the redirect our SSO form's answer makes). A middleware, not
a change to the accounts views: they belong to the accounts app, below this one, and
know nothing of SSO. Runs after tenant resolution, auth and messages (the refusal page
is a full, translated page of the marketplace) and inside the CSP middleware (which
reads the policy update on its way out).
"""

from urllib.parse import urlsplit

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

PASSWORD_ROUTES = ("accounts:login", "accounts:signup", "accounts:password-reset")


class SsoMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        tenant = getattr(request, "tenant", None)
        if tenant is None or tenant.schema_name == "public":
            return self.get_response(request)
        if request.path_info not in _password_paths():
            return self.get_response(request)
        from quartier.sso.adapter import sso_error_response
        from quartier.sso.selectors import sso_configuration_for

        configuration = sso_configuration_for(request)
        if request.method == "POST" and configuration.is_sso_only:
            return sso_error_response(
                request,
                _("This marketplace signs you in through your provider only."),
                status=403,
            )
        response = self.get_response(request)
        if configuration.is_enabled:
            issuer = urlsplit(configuration.issuer_url)
            allowed = {"form-action": [f"{issuer.scheme}://{issuer.netloc}"]}
            response._csp_update = allowed
            response._csp_update_ro = allowed
        return response


def _password_paths() -> set[str]:
    try:
        return {reverse(name) for name in PASSWORD_ROUTES}
    except NoReverseMatch:  # the operator's host has no sign-in forms of a marketplace
        return set()
