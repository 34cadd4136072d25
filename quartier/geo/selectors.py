"""Postal code -> coordinates, answered from an in-process table (no query per search)."""

import re
import threading
from functools import lru_cache

from django.utils.translation import gettext as _

from quartier.geo.models import PostalCode
from quartier.geo.projection import GeoPoint
from quartier.platform.errors import ApplicationError
from quartier.platform.tenancy import public_context

UNKNOWN_POSTAL_CODE = "unknown_postal_code"
_CODE = re.compile(r"^[0-9]{4}$")
_lock = threading.Lock()


@lru_cache(maxsize=1)
def _table() -> dict[str, GeoPoint]:
    """Centroid of each code's localities, loaded once per process."""
    with _lock, public_context():
        sums: dict[str, list[float]] = {}
        for code, latitude, longitude in PostalCode.objects.values_list(
            "code", "latitude", "longitude"
        ):
            entry = sums.setdefault(code, [0.0, 0.0, 0])
            entry[0] += latitude
            entry[1] += longitude
            entry[2] += 1
    return {code: GeoPoint(lat / count, lon / count) for code, (lat, lon, count) in sums.items()}


def postal_code_point(code: object, *, field: str = "postal_code") -> GeoPoint:
    """The coordinates of a Swiss postal code, or a 400 naming `field`."""
    text = str(code).strip() if code is not None else ""
    if not _CODE.match(text):
        raise ApplicationError.invalid_field(
            field, _("Enter a 4-digit Swiss postal code."), code=UNKNOWN_POSTAL_CODE
        )
    point = _table().get(text)
    if point is None:
        raise ApplicationError.invalid_field(
            field, _("Unknown postal code %(text)s.") % {"text": text}, code=UNKNOWN_POSTAL_CODE
        )
    return point


def postal_code_places(code: str) -> list[str]:
    with public_context():
        return list(PostalCode.objects.filter(code=code).values_list("place", flat=True))


def postal_codes_forget() -> None:
    """Drop the in-process table (after loading new data)."""
    _table.cache_clear()
