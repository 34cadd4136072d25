"""The sign-in policy: one for the token endpoint, the sign-in page and the operator admin.

Failed attempts are counted per e-mail address and per client address in the cache;
an e-mail or an address that fails SIGNIN_FAILURES_PER_ACCOUNT / _PER_ADDRESS times
within SIGNIN_LOCKOUT_SECONDS is refused for SIGNIN_LOCKOUT_SECONDS, even with the
right password. Every key carries the schema, so two tenants (or a tenant and the
operator) never share a counter, and every refusal is recorded for that schema's admins.
"""

import hashlib
import ipaddress
import math
import time

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import ngettext

from quartier.accounts.errors import SIGNIN_LOCKED
from quartier.accounts.models import SigninFailure, User
from quartier.accounts.selectors import user_authenticate
from quartier.accounts.services import signin_failure_record
from quartier.platform.errors import ApplicationError
from quartier.platform.tenancy import current_schema


class SigninLocked(ApplicationError):
    """Too many failed sign-ins: refused until `retry_after` seconds have passed."""

    def __init__(self, *, retry_after: int):
        minutes = max(1, math.ceil(retry_after / 60))
        message = ngettext(
            "Too many failed sign-ins. Please try again in %(minutes)d minute.",
            "Too many failed sign-ins. Please try again in %(minutes)d minutes.",
            minutes,
        ) % {"minutes": minutes}
        super().__init__(SIGNIN_LOCKED, message, status=429)
        self.retry_after = retry_after


def client_address(request) -> str | None:
    """The client's IP address, seen through TRUSTED_PROXY_COUNT reverse proxies.

    The same rule as DRF's throttles (NUM_PROXIES): addresses a client writes into
    X-Forwarded-For itself sit left of the ones our proxies appended, so they are ignored.
    """
    address = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies > 0 and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",")]
        address = hops[-min(proxies, len(hops))]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def _key(kind: str, value: str) -> str:
    # Hashed: an e-mail may hold characters a cache key must not, and may be long.
    digest = hashlib.sha256(value.encode()).hexdigest()[:32]
    return f"signin:{current_schema()}:{kind}:{digest}"


def _subjects(email: str, address: str | None) -> list[tuple[str, int]]:
    """(counter key, failure limit) for the e-mail and, when known, the address."""
    subjects = [(_key("account", email), settings.SIGNIN_FAILURES_PER_ACCOUNT)]
    if address:
        subjects.append((_key("address", address), settings.SIGNIN_FAILURES_PER_ADDRESS))
    return subjects


def _seconds_locked(subjects) -> int:
    locked_until = cache.get_many([f"{key}:locked" for key, _limit in subjects]).values()
    remaining = max(locked_until, default=0) - time.time()
    return math.ceil(remaining) if remaining > 0 else 0


def _count_failure(subjects) -> None:
    window = settings.SIGNIN_LOCKOUT_SECONDS
    for key, limit in subjects:
        # add() starts the window on the first failure; incr() is atomic on Redis, so
        # parallel attempts cannot slip past the limit.
        cache.add(key, 0, timeout=window)
        try:
            failures = cache.incr(key)
        except ValueError:  # the window ended between add() and incr()
            cache.set(key, 1, timeout=window)
            failures = 1
        if failures >= limit:
            cache.set(f"{key}:locked", time.time() + window, timeout=window)
            cache.delete(key)


def _failure_reason(email: str) -> str:
    user = User.objects.filter(email=email).only("is_active").first()
    if user is None:
        return SigninFailure.Reason.UNKNOWN_ACCOUNT
    if not user.is_active:
        return SigninFailure.Reason.INACTIVE_ACCOUNT
    return SigninFailure.Reason.WRONG_PASSWORD


def signin_attempt(*, request, email: str, password: str, channel: str) -> User | None:
    """The active user of the current schema with these credentials, or None.

    Raises SigninLocked while the e-mail or the client's address is locked out: then
    not even the right password signs in. A success clears the e-mail's failures.
    """
    email = email.strip().lower()[:254]
    address = client_address(request)
    subjects = _subjects(email, address)
    retry_after = _seconds_locked(subjects)
    if retry_after:
        signin_failure_record(
            email=email, address=address, reason=SigninFailure.Reason.LOCKED, channel=channel
        )
        raise SigninLocked(retry_after=retry_after)
    user = user_authenticate(request=request, email=email, password=password)
    if user is not None:
        cache.delete(subjects[0][0])
        return user
    _count_failure(subjects)
    signin_failure_record(
        email=email, address=address, reason=_failure_reason(email), channel=channel
    )
    # The attempt that reaches the limit already says so, rather than the next one.
    retry_after = _seconds_locked(subjects)
    if retry_after:
        raise SigninLocked(retry_after=retry_after)
    return None
