"""Writes that the no-overlap constraint may refuse, turned into clean answers."""

import random
import time

from django.db import IntegrityError, OperationalError, connection, transaction
from django.utils.translation import gettext as _

from quartier.bookings import errors
from quartier.platform.errors import Conflict

# PostgreSQL error codes: two inserts checking the exclusion constraint against each
# other can deadlock; one of them is aborted and tried again after a short random pause
# (without it, a crowd of writers tends to deadlock again in the same order).
DEADLOCK_DETECTED = "40P01"
ATTEMPTS = 6


def provider_write_lock(provider_id: int | None) -> None:
    """Queue writers of one provider's calendar behind each other until commit.

    The exclusion constraint is what forbids an overlap; this only orders the writers,
    so that two inserts never wait on each other's uncommitted rows (a deadlock that
    PostgreSQL needs deadlock_timeout, 1 s by default, to break). Keyed by schema and
    provider, so tenants and providers do not wait on each other.
    """
    if provider_id is None:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtext(current_schema()), %s)", [provider_id]
        )


def write_or_conflict(write, *, message: str | None = None):
    """Run `write()` in a savepoint; an overlap becomes a 409 slot_taken."""
    for attempt in range(ATTEMPTS):
        try:
            with transaction.atomic():
                return write()
        except IntegrityError as error:
            if "bookings_no_overlap" in str(error):
                raise Conflict(
                    errors.SLOT_TAKEN, message or _("That time is no longer free.")
                ) from error
            raise
        except OperationalError as error:
            code = getattr(getattr(error, "__cause__", None), "pgcode", None)
            if code != DEADLOCK_DETECTED or attempt == ATTEMPTS - 1:
                raise
            time.sleep(random.uniform(0.005, 0.03) * (attempt + 1))  # noqa: S311 - jitter
    raise AssertionError("unreachable")
