"""Every call to Stripe goes through here: one client, retries with idempotency keys.

Timeouts, connection errors, rate limits and 5xx answers are retried with exponential
backoff, always under the same idempotency key, so a request Stripe did process before
the answer was lost is not repeated: Stripe replays the first answer. When every try
fails the caller gets StripeUnavailable and leaves its payment pending for the next run.
"""

import logging
import time
from http import HTTPStatus

import stripe
from django.conf import settings
from django.utils.translation import gettext as _

from quartier.billing import errors
from quartier.platform.errors import ApplicationError

logger = logging.getLogger(__name__)


class StripeUnavailable(ApplicationError):
    def __init__(self, message: str):
        super().__init__(
            errors.STRIPE_UNAVAILABLE,
            _("The payment provider did not answer: %(reason)s") % {"reason": message},
            status=HTTPStatus.SERVICE_UNAVAILABLE,
        )


class PaymentDeclined(ApplicationError):
    def __init__(self, message: str):
        super().__init__(errors.PAYMENT_FAILED, message, status=HTTPStatus.PAYMENT_REQUIRED)


def client() -> stripe.StripeClient:
    if not settings.STRIPE_SECRET_KEY:
        raise ApplicationError(
            errors.NOT_CONFIGURED,
            _("Online payments are not configured on this platform."),
            status=HTTPStatus.SERVICE_UNAVAILABLE,
        )
    base = settings.STRIPE_API_BASE
    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY,
        base_addresses={"api": base, "connect": base} if base else None,
        # Our own loop retries, so the key and the backoff are ours to choose.
        max_network_retries=0,
        http_client=stripe.RequestsClient(timeout=settings.STRIPE_TIMEOUT_SECONDS),
    )


def _is_transient(error: stripe.StripeError) -> bool:
    if isinstance(error, stripe.APIConnectionError | stripe.RateLimitError):
        return True
    return isinstance(error, stripe.APIError) or (error.http_status or 0) >= 500


def call(resource: str, method: str, *args, idempotency_key: str | None = None, **params):
    """client().v1.<resource>.<method>(*args, params) with retries; returns the object."""
    operation = getattr(getattr(client().v1, resource), method)
    options = {"idempotency_key": idempotency_key} if idempotency_key else {}
    attempts = settings.STRIPE_ATTEMPTS
    for attempt in range(1, attempts + 1):
        try:
            return operation(*args, params=params, options=options)
        except stripe.CardError as error:
            raise PaymentDeclined(error.user_message or _("The card was declined.")) from error
        except stripe.InvalidRequestError as error:
            raise ApplicationError(
                errors.PROVIDER_REFUSED,
                _("The payment provider refused the request: %(reason)s")
                % {"reason": error.user_message or error},
                fields={error.param: [str(error.user_message)]} if error.param else None,
            ) from error
        except stripe.StripeError as error:
            if not _is_transient(error):
                raise
            logger.warning(
                "stripe call failed, will retry",
                extra={"operation": f"{resource}.{method}", "attempt": attempt},
            )
            if attempt == attempts:
                raise StripeUnavailable(type(error).__name__) from error
            time.sleep(settings.STRIPE_RETRY_BACKOFF_SECONDS * 2 ** (attempt - 1))
    raise AssertionError("unreachable")


def amount_received(intent) -> int:
    """What a PaymentIntent has captured, in minor units.

    Stripe reports `amount_received`; a server without it (localstripe) is read through
    the charge, where a partial capture shows as the amount less what was given back.
    """
    if hasattr(intent, "to_dict"):
        intent = intent.to_dict()
    received = intent.get("amount_received")
    if received is not None:
        return int(received)
    charge = intent.get("latest_charge")
    if isinstance(charge, dict):
        return int(charge["amount"]) - int(charge.get("amount_refunded") or 0)
    raise ValueError("the payment intent says nothing about the amount received")
