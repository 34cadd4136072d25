"""Text messages (phone verification codes) through a configurable backend."""

import logging

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)
outbox: list[tuple[str, str]] = []


class ConsoleSMS:
    """Development: the message goes to the log."""

    def send(self, *, to: str, text: str) -> None:
        logger.info("SMS to %s: %s", to, text)


class LocmemSMS:
    """Tests: messages collect in quartier.accounts.sms.outbox."""

    def send(self, *, to: str, text: str) -> None:
        outbox.append((to, text))


def send_sms(*, to: str, text: str) -> None:
    import_string(settings.SMS_BACKEND)().send(to=to, text=text)
