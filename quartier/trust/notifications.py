"""E-mails to providers about trust decisions, in their language, through the outbox."""

from datetime import datetime

from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext

from quartier.marketplace.selectors import marketplace_settings

KIND = "trust.provider_mail"
_SUBJECTS = {
    "application": lambda: gettext("Your vetting application"),
    "step": lambda: gettext("A step of your vetting application"),
    "revetting": lambda: gettext("Please renew your vetting"),
    "suspension": lambda: gettext("Your provider profile"),
    "badge_expiring": lambda: gettext("Your badge expires soon"),
}
# Context values that templates format as dates travel as ISO strings in the payload.
_DATES = "dates"


def notify_provider(
    *, user, kind: str, template: str = "trust/email/decision.txt", **context
) -> None:
    """Write the e-mail to the outbox, in the caller's transaction (sent after commit)."""
    from quartier.outbox.services import outbox_enqueue

    dates = [key for key, value in context.items() if isinstance(value, datetime)]
    payload_context = {
        key: value.isoformat() if key in dates else value for key, value in context.items()
    }
    outbox_enqueue(
        kind=KIND,
        payload={
            "user_id": user.pk,
            "kind": kind,
            "template": template,
            "context": payload_context,
            _DATES: dates,
        },
    )


def provider_mail_send(payload: dict) -> None:
    from quartier.accounts.models import User

    user = User.objects.filter(pk=payload["user_id"]).first()
    if user is None:
        return  # the account is gone: nobody to tell
    context = dict(payload["context"])
    for key in payload.get(_DATES, []):
        context[key] = parse_datetime(context[key])
    settings_row = marketplace_settings()
    with translation.override(user.preferred_language or settings_row.default_language):
        body = render_to_string(
            payload["template"], {"recipient": user, "subject_kind": payload["kind"], **context}
        )
        subject = f"[{settings_row.display_name}] {_SUBJECTS[payload['kind']]()}"
    send_mail(subject=subject, message=body, from_email=None, recipient_list=[user.email])


def register() -> None:
    from quartier.outbox.services import outbox_handler_register

    outbox_handler_register(KIND, provider_mail_send)
