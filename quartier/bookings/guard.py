"""Writes that the no-overlap constraint may refuse, turned into clean answers."""

import random
import time

from django.db import IntegrityError, OperationalError, transaction
from django.utils.translation import gettext as _

from quartier.bookings import errors
from quartier.platform.errors import Conflict

# PostgreSQL error codes: two inserts checking the exclusion constraint against each
# other can deadlock; one of them is aborted and tried again after a short random pause
# (without it, a crowd of writers tends to deadlock again in the same order).
DEADLOCK_DETECTED = "40P01"
ATTEMPTS = 6


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
