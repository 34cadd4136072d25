"""Account mail and text messages, delivered from the outbox after the request's commit."""

from django.core.mail import send_mail
from django.utils import translation
from django.utils.translation import gettext

EMAIL_VERIFICATION = "accounts.email_verification"
SMS = "accounts.sms"


def email_verification_deliver(payload: dict) -> None:
    from quartier.accounts.models import User
    from quartier.accounts.services import email_verification_path

    user = User.objects.filter(pk=payload["user_id"]).first()
    if user is None:
        return
    # The link signs the address at delivery time: a change meanwhile voids it anyway.
    with translation.override(payload["language"]):
        send_mail(
            subject=gettext("Confirm your email address"),
            message=gettext("Open this link to confirm your email address:")
            + "\n"
            + payload["base_url"].rstrip("/")
            + email_verification_path(user=user),
            from_email=None,
            recipient_list=[user.email],
        )


def sms_deliver(payload: dict) -> None:
    from quartier.accounts.sms import send_sms

    send_sms(to=payload["to"], text=payload["text"])


def register() -> None:
    from quartier.outbox.services import outbox_handler_register

    outbox_handler_register(EMAIL_VERIFICATION, email_verification_deliver)
    # The text holds a verification code: emptied from the row once sent.
    outbox_handler_register(SMS, sms_deliver, keep_payload=False)
