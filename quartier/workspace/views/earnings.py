"""The helper's earnings: pending, available and paid out, per booking with the
commission, the payouts, and the statement CSV of billing."""

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from quartier.billing.models import ConnectedAccount
from quartier.platform.headers import stripe_connect_allowed
from quartier.workspace.earnings import earning_rows, earnings_of, payouts_of, payouts_used
from quartier.workspace.views.common import helper_page


@stripe_connect_allowed
@helper_page
def earnings(request, profile):
    today = timezone.localdate()
    account = ConnectedAccount.objects.filter(provider=profile).first()
    return render(
        request,
        "workspace/earnings.html",
        {
            "earnings": earnings_of(profile),
            "rows": earning_rows(profile),
            "payouts": payouts_of(profile),
            "statement_url": reverse("billing-earnings")
            + f"?start={today.replace(day=1).isoformat()}&end={today.isoformat()}",
            "year_statement_url": reverse("billing-earnings")
            + f"?start={today.replace(month=1, day=1).isoformat()}&end={today.isoformat()}",
            "account": account,
            "payouts_ready": bool(account and account.payouts_enabled),
            "payouts_used": payouts_used(),
            "section": "earnings",
        },
    )
