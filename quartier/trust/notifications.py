"""E-mails to providers about trust decisions, in their language."""

from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext

from quartier.marketplace.selectors import marketplace_settings

_SUBJECTS = {
    "application": lambda: gettext("Your vetting application"),
    "step": lambda: gettext("A step of your vetting application"),
    "revetting": lambda: gettext("Please renew your vetting"),
    "suspension": lambda: gettext("Your provider profile"),
    "badge_expiring": lambda: gettext("Your badge expires soon"),
}


def notify_provider(
    *, user, kind: str, template: str = "trust/email/decision.txt", **context
) -> None:
    settings_row = marketplace_settings()
    with translation.override(user.preferred_language or settings_row.default_language):
        body = render_to_string(template, {"recipient": user, "subject_kind": kind, **context})
        subject = f"[{settings_row.display_name}] {_SUBJECTS[kind]()}"
    send_mail(subject=subject, message=body, from_email=None, recipient_list=[user.email])
