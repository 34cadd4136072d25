"""The SSO round trip (allauth's views, behind our URLs) and the back-office page."""

from functools import wraps

import requests
from allauth.socialaccount.providers.openid_connect import views as oidc_views
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from quartier.platform.errors import ApplicationError, PermissionDenied
from quartier.platform.forms import form_apply
from quartier.sso import services
from quartier.sso.adapter import PROVIDER_ID, sso_error_response
from quartier.sso.forms import SsoConfigurationForm
from quartier.sso.selectors import sso_configuration


def _tenant_provider_only(view):
    @wraps(view)
    def wrapped(request, provider_id):
        if provider_id != PROVIDER_ID:
            raise Http404
        try:
            return view(request, provider_id)
        except requests.RequestException:
            # The discovery document or the token endpoint did not answer.
            return sso_error_response(
                request,
                _("Your provider cannot be reached right now. Please try again later."),
                status=502,
            )

    return wrapped


@require_POST
@_tenant_provider_only
def login(request, provider_id):
    return oidc_views.login(request, provider_id)


@_tenant_provider_only
def callback(request, provider_id):
    response = oidc_views.callback(request, provider_id)
    user = request.user
    if response.status_code == 302 and user.is_authenticated and user.preferred_language:
        # The storefront speaks the language the provider gave us from the first page on.
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            user.preferred_language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE or "Lax",
            secure=settings.LANGUAGE_COOKIE_SECURE,
        )
    return response


def admin_page(view):
    @never_cache
    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not getattr(request.user, "is_tenant_admin", False):
            raise PermissionDenied(_("Only the marketplace's administrators may open this page."))
        return view(request, *args, **kwargs)

    return wrapped


@admin_page
def sso_settings(request):
    configuration = sso_configuration()
    status = 200
    if request.method == "POST":
        form = SsoConfigurationForm(request.POST)
        status = form_apply(form, lambda data: services.sso_configuration_update(**data))
        if status == 200:
            messages.success(request, _("Single sign-on settings saved."))
            return redirect("sso:settings")
    else:
        form = SsoConfigurationForm(initial=SsoConfigurationForm.initial_from(configuration))
    return render(
        request,
        "sso/settings.html",
        {
            "form": form,
            "configuration": configuration,
            "has_secret": bool(configuration.client_secret_encrypted),
            "callback_path": f"/accounts/sso/{PROVIDER_ID}/callback/",
        },
        status=status,
    )


@admin_page
@require_POST
def sso_test(request):
    """Fetch the discovery document of the issuer in the form (saved or not)."""
    configuration = sso_configuration()
    issuer = request.POST.get("issuer_url", "").strip() or configuration.issuer_url
    typed = {
        name: request.POST[name]
        for name in SsoConfigurationForm.base_fields
        if name in request.POST and name != "client_secret"
    }
    form = SsoConfigurationForm(
        initial={**SsoConfigurationForm.initial_from(configuration), **typed}
    )
    result = None
    status = 200
    if not issuer:
        error_message = _("Enter the issuer URL first.")
        status = 400
    else:
        try:
            result = services.sso_connection_test(issuer_url=issuer)
            error_message = ""
        except ApplicationError as error:
            error_message = error.message
            status = 400
    return render(
        request,
        "sso/settings.html",
        {
            "form": form,
            "configuration": configuration,
            "has_secret": bool(configuration.client_secret_encrypted),
            "callback_path": f"/accounts/sso/{PROVIDER_ID}/callback/",
            "test_issuer": issuer,
            "test_result": result,
            "test_error": error_message,
        },
        status=status,
    )
