"""Support-case hand-off: the tenant's systems prefill a help request for a customer.

POST /api/v1/handoffs/ (key scope requests:write) -> Handoff + a link, mailed to the
  customer through the outbox (the link's secret is stored hashed)
/handoffs/<token>/ -> the customer, signed in with the same e-mail (or through the
  tenant's single sign-on as the same subject), checks the
  prefilled request, picks one of the preferred times and sends it: a broadcast
  booking (bookings.booking_broadcast); its status changes reach the tenant's
  webhooks with the external case id
"""

from __future__ import annotations

import hashlib
import secrets
from contextvars import ContextVar
from datetime import datetime

from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext

from quartier.bookings.services.requests import booking_broadcast
from quartier.catalog.models import Category
from quartier.geo.selectors import postal_code_point
from quartier.integrations.models import Handoff
from quartier.platform.errors import ApplicationError, Conflict, NotFound

MAIL_KIND = "integrations.handoff_mail"
MAX_TIMES = 3
HANDOFF_EXISTS = "handoff_exists"
# The case being turned into a booking: the booking's first event ("requested") is
# published before the hand-off row can point at the booking.
_accepting: ContextVar[str | None] = ContextVar("handoff_accepting", default=None)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def handoff_create(
    *,
    external_case_id: str,
    category: Category,
    description: str,
    postal_code: str,
    preferred_times: list[datetime],
    customer_email: str = "",
    customer_sso_subject: str = "",
    key=None,
    link_for,
) -> tuple[Handoff, str]:
    """Returns the hand-off and its link; `link_for(token)` makes the absolute URL."""
    postal_code_point(postal_code)
    now = timezone.now()
    if not 1 <= len(preferred_times) <= MAX_TIMES or any(t <= now for t in preferred_times):
        raise ApplicationError.invalid_field(
            "preferred_times", gettext("Give one to three times in the future.")
        )
    if Handoff.objects.filter(external_case_id=external_case_id).exists():
        raise Conflict(HANDOFF_EXISTS, gettext("This case was already handed over."))
    token = secrets.token_urlsafe(32)
    handoff = Handoff.objects.create(
        external_case_id=external_case_id,
        category=category,
        description=description.strip(),
        postal_code=postal_code,
        preferred_times=[moment.isoformat() for moment in sorted(preferred_times)],
        customer_email=customer_email.strip().lower(),
        customer_sso_subject=customer_sso_subject,
        token_hash=_digest(token),
        created_by_key=key,
    )
    link = link_for(token)
    if not handoff.customer_email:  # known by sign-on subject only: the hotline passes it on
        return handoff, link
    from quartier.outbox.services import outbox_enqueue

    outbox_enqueue(
        kind=MAIL_KIND,
        payload={"email": handoff.customer_email, "link": link},
        dedupe_key=f"handoff:{handoff.pk}",
    )
    return handoff, link


def handoff_for(*, token: str, user) -> Handoff:
    """The hand-off behind a link, for the customer it was made for; else 404."""
    handoff = (
        Handoff.objects.select_related("category").filter(token_hash=_digest(token)).first()
        if isinstance(token, str) and token.isascii() and len(token) < 100
        else None
    )
    if handoff is None or not _made_for(handoff, user):
        raise NotFound(gettext("This link is not valid for your account."))
    return handoff


def _made_for(handoff: Handoff, user) -> bool:
    if handoff.customer_email and handoff.customer_email == (user.email or "").lower():
        return True
    if not handoff.customer_sso_subject:
        return False
    from allauth.socialaccount.models import SocialAccount

    # One sign-on provider per tenant schema, so the subject alone names the account.
    return SocialAccount.objects.filter(user=user, uid=handoff.customer_sso_subject).exists()


def preferred_times_of(handoff: Handoff) -> list[datetime]:
    return [parse_datetime(value) for value in handoff.preferred_times]


@transaction.atomic
def handoff_accept(*, handoff: Handoff, customer, starts_at: datetime, postal_code: str, note: str):
    """The customer sends the prefilled request: one broadcast booking, once."""
    handoff = Handoff.objects.select_for_update().get(pk=handoff.pk)
    if handoff.booking_id is not None:
        return handoff.booking
    if starts_at not in preferred_times_of(handoff):
        raise ApplicationError.invalid_field(
            "starts_at", gettext("Choose one of the proposed times.")
        )
    marker = _accepting.set(handoff.external_case_id)
    try:
        booking = booking_broadcast(
            customer=customer,
            category=handoff.category,
            postal_code=postal_code,
            starts_at=starts_at,
            note=note,
        )
    finally:
        _accepting.reset(marker)
    handoff.booking = booking
    handoff.save(update_fields=["booking"])
    return booking


def external_case_id_of(booking_id: int) -> str | None:
    found = (
        Handoff.objects.filter(booking_id=booking_id)
        .values_list("external_case_id", flat=True)
        .first()
    )
    return found or _accepting.get()


def handoff_mail_send(payload: dict) -> None:
    from quartier.marketplace.selectors import marketplace_settings

    settings_row = marketplace_settings()
    with translation.override(settings_row.default_language):
        subject = f"[{settings_row.display_name}] " + gettext("Your help request is ready")
        body = render_to_string("integrations/email/handoff.txt", {"link": payload["link"]})
    send_mail(subject=subject, message=body, from_email=None, recipient_list=[payload["email"]])


def register() -> None:
    from quartier.outbox.services import outbox_handler_register

    outbox_handler_register(MAIL_KIND, handoff_mail_send, keep_payload=False)
