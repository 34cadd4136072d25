"""Idempotency keys: a retried write gets the first request's answer, not a second write.

A client that lost the answer to a POST (a timeout, a dropped connection) sends it again
with the same `Idempotency-Key`. Keys are scoped to the tenant (the table lives in each
tenant's schema) and to the user, and kept for `KEY_LIFETIME`.

The API layer (quartier.marketplace.api.idempotency) runs the whole request in one
transaction: `idempotency_key_claim`, the view, `idempotency_key_record`. So a committed
write always has its answer stored, and a rolled-back one leaves no key behind.
"""

import hashlib
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from http import HTTPStatus

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from quartier.marketplace import errors
from quartier.marketplace.models import IdempotencyKey
from quartier.platform.errors import ApplicationError, Conflict

HEADER = "Idempotency-Key"
KEY_LIFETIME = timedelta(hours=24)
# Printable ASCII, space included: what an HTTP header carries without encoding games.
_VALID_KEY = re.compile(r"[\x20-\x7e]{1,255}")


@dataclass(frozen=True)
class StoredAnswer:
    status: int
    body: str  # JSON text, "" when the answer had no body


def idempotency_key_check(key: str) -> str:
    """The key itself, or a 400 naming the header."""
    if not _VALID_KEY.fullmatch(key):
        raise ApplicationError.invalid_field(
            HEADER, _("Idempotency-Key must be 1 to 255 printable ASCII characters.")
        )
    return key


def request_fingerprint(*, method: str, path: str, body: bytes) -> str:
    """SHA-256 of the method, the path and the body, each length-prefixed."""
    digest = hashlib.sha256()
    for part in (method.upper().encode(), path.encode(errors="surrogatepass"), body):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def idempotency_key_claim(*, user, key: str, fingerprint: str) -> StoredAnswer | None:
    """Inside the caller's transaction: the stored answer to replay, or None to go ahead.

    None means the key is the caller's until its transaction ends. Raises 409
    `idempotency_in_progress` while another request holds the key, and 422
    `idempotency_key_reused` when the key answered a different request.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("idempotency_key_claim needs the caller's transaction")
    # A transaction-scoped advisory lock, tried without waiting: the unique constraint
    # alone would make a racing request wait for the first one's commit, and the client
    # should hear at once that its earlier attempt is still running. The single-bigint
    # key space is apart from the (schema, provider) pairs of bookings.guard.
    if not _try_lock("pg_try_advisory_xact_lock", user=user, key=key):
        raise _in_progress()
    return _stored_answer(user=user, key=key, fingerprint=fingerprint)


@contextmanager
def idempotency_key_held(*, user, key: str, fingerprint: str) -> Iterator[StoredAnswer | None]:
    """Outside any transaction: hold the key for a request that calls the network.

    Views that call Stripe must not keep a transaction open (the call may take seconds
    and the services commit their own short steps), so the key is held by a
    session-level advisory lock (the same lock space as `idempotency_key_claim`'s) for
    the length of the request and released on the way out; a crashed worker's lock goes
    with its connection. Yields the stored answer to replay, or None to go ahead.
    """
    if not _try_lock("pg_try_advisory_lock", user=user, key=key):
        raise _in_progress()
    try:
        with transaction.atomic():
            stored = _stored_answer(user=user, key=key, fingerprint=fingerprint)
        yield stored
    finally:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_unlock(hashtextextended(current_schema() || %s, 0))",
                [_lock_name(user=user, key=key)],
            )


def _lock_name(*, user, key: str) -> str:
    return f":idempotency:{user.pk}:{key}"


def _try_lock(function: str, *, user, key: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {function}(hashtextextended(current_schema() || %s, 0))",  # noqa: S608
            [_lock_name(user=user, key=key)],
        )
        (is_locked,) = cursor.fetchone()
    return is_locked


def _stored_answer(*, user, key: str, fingerprint: str) -> StoredAnswer | None:
    stored = IdempotencyKey.objects.filter(user=user, key=key).first()
    if stored is None:
        return None
    if _is_expired(stored.created_at, timezone.now()):
        # Not swept yet: an expired key is free again.
        stored.delete()
        return None
    if stored.fingerprint != fingerprint:
        message = _("This Idempotency-Key was already used for a different request.")
        raise ApplicationError(
            errors.IDEMPOTENCY_KEY_REUSED,
            message,
            fields={HEADER: [message]},
            status=HTTPStatus.UNPROCESSABLE_ENTITY,
        )
    return StoredAnswer(status=stored.response_status, body=stored.response_body)


def idempotency_key_record(*, user, key: str, fingerprint: str, answer: StoredAnswer) -> None:
    """Store the answer under the key claimed by `idempotency_key_claim`, in its transaction."""
    try:
        with transaction.atomic():
            IdempotencyKey.objects.create(
                user=user,
                key=key,
                fingerprint=fingerprint,
                response_status=answer.status,
                response_body=answer.body,
            )
    except IntegrityError as error:
        # Only when the key was stored without the lock (never by our code): the unique
        # constraint has the last word, and the caller's whole transaction rolls back.
        raise _in_progress() from error


@transaction.atomic
def idempotency_keys_expire(*, now: datetime | None = None) -> int:
    """Delete the keys older than KEY_LIFETIME in the current schema; returns how many."""
    deleted, _rows = IdempotencyKey.objects.filter(
        created_at__lte=(now or timezone.now()) - KEY_LIFETIME
    ).delete()
    return deleted


def _is_expired(created_at: datetime, now: datetime) -> bool:
    return created_at <= now - KEY_LIFETIME


def _in_progress() -> Conflict:
    return Conflict(
        errors.IDEMPOTENCY_IN_PROGRESS,
        _("A request with this Idempotency-Key is still being processed. Retry shortly."),
    )
