"""The helper's payout account: start or resume Stripe Connect Express onboarding, and
see where it stands when Stripe sends them back.

Stripe's return and refresh URLs are built from the request, so they point at the
tenant's own host. GET pages never call Stripe except the return page, which asks for
the account's status and writes nothing (the stored flags follow Stripe's
account.updated webhook).
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from quartier.billing.models import ConnectedAccount
from quartier.billing.services.connect import connected_account_onboard, connected_account_status
from quartier.platform.errors import ApplicationError
from quartier.platform.headers import stripe_connect_allowed
from quartier.workspace.earnings import payouts_used
from quartier.workspace.views.common import helper_page


def _render(request, profile, *, status=None, error="", notice="", code=200):
    account = ConnectedAccount.objects.filter(provider=profile).first()
    return render(
        request,
        "workspace/payouts.html",
        {
            "account": account,
            "status": status,
            # Stripe's word when just asked (the return page), else the stored flags.
            "payouts_ready": status.payouts_enabled
            if status
            else bool(account and account.payouts_enabled),
            "used": payouts_used() or account is not None,
            "error": error,
            "notice": notice,
            "section": "earnings",
        },
        status=code,
    )


@stripe_connect_allowed
@never_cache
@helper_page
def payouts(request, profile):
    return _render(request, profile)


@stripe_connect_allowed
@require_POST
@helper_page
def payouts_onboard(request, profile):
    """Send the helper to Stripe's onboarding (a fresh link each time: they expire)."""
    if not payouts_used() and not ConnectedAccount.objects.filter(provider=profile).exists():
        return _render(
            request,
            profile,
            error=_("This marketplace is paid on site: there is nothing to pay out."),
            code=409,
        )
    try:
        _account, url = connected_account_onboard(
            provider=profile,
            refresh_url=request.build_absolute_uri(reverse("workspace:payouts-refresh")),
            return_url=request.build_absolute_uri(reverse("workspace:payouts-return")),
        )
    except ApplicationError as failure:
        return _render(request, profile, error=failure.message, code=failure.status)
    return redirect(url)


@stripe_connect_allowed
@never_cache
@helper_page
def payouts_return(request, profile):
    """Stripe sent the helper back: show what Stripe says about the account now."""
    try:
        status = connected_account_status(provider=profile)
    except ApplicationError as failure:
        return _render(request, profile, error=failure.message, code=failure.status)
    if status is None:
        return redirect("workspace:payouts")
    if status.payouts_enabled:
        messages.success(request, _("Your payout account is ready."))
    return _render(request, profile, status=status)


@stripe_connect_allowed
@never_cache
@helper_page
def payouts_refresh(request, profile):
    """Stripe's link expired or was used: the helper continues with a fresh one."""
    return _render(
        request,
        profile,
        notice=_("The setup link expired. Continue to get a fresh one; nothing was lost."),
    )
