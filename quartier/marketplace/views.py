"""Pages of the marketplace settings: the visitor's language switch; the page saying
why someone may not book or offer help here, with its invitation code form."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from quartier.marketplace import eligibility
from quartier.marketplace.selectors import marketplace_languages
from quartier.platform.errors import ApplicationError


@require_POST
def language_switch(request):
    """Django's set_language, for the languages this marketplace enabled only."""
    language = request.POST.get("language", "")
    if language not in marketplace_languages().enabled:
        return HttpResponseBadRequest(
            _("This marketplace is not available in that language."),
            content_type="text/plain; charset=utf-8",
        )
    return set_language(request)


def _safe_next(request, value: str) -> str:
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return "/"


def refusal_page(request, refusal, *, next_url: str = "", status: int = 403):
    """The page that says why (translated) and what to do; a code field when a code
    would let the person in."""
    return render(
        request,
        "platform/not_eligible.html",
        {
            "refusal": refusal,
            "asks_code": refusal.reason in eligibility.CODE_REASONS,
            "next": _safe_next(request, next_url or request.get_full_path()),
        },
        status=status,
    )


@login_required
@require_POST
def invitation_redeem(request):
    role = request.POST.get("role", "")
    next_url = _safe_next(request, request.POST.get("next", ""))
    if role not in eligibility.ROLES:
        return HttpResponseBadRequest(_("Unknown role."), content_type="text/plain; charset=utf-8")
    try:
        eligibility.invitation_redeem(
            user=request.user, role=role, code=request.POST.get("code", "")
        )
    except ApplicationError as error:
        refusal = eligibility.Refusal(
            reason=error.extra.get("reason", ""), message=error.message, role=role
        )
        return refusal_page(request, refusal, next_url=next_url, status=error.status)
    return redirect(next_url)
