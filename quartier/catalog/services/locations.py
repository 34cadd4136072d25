"""Postal code -> the location fields every located catalog row carries."""

from quartier.geo.selectors import postal_code_point


def location_fields(postal_code: str, *, field: str = "postal_code") -> dict:
    point = postal_code_point(postal_code, field=field)
    return {"latitude": point.latitude, "longitude": point.longitude, "location": point.projected()}
