"""Latitude/longitude -> kilometres on a plane, for distance search with core PostgreSQL.

An equirectangular projection centred on Switzerland (46.8 N): x = R·λ·cos φ0,
y = R·φ. Inside Switzerland (45.8-47.8 N) the east-west scale error is at most
|cos φ / cos φ0 - 1| ≈ 2.6 % at the northern and southern borders and 0 on the centre
line; for the radii we search (≤ 200 km, usually ≤ 30 km) distances are within about
0.3 km of the great-circle distance. In exchange, PostgreSQL's `point` type, its GiST
index and the `<->` operator answer "within R km, nearest first" without extensions.
"""

import math
from dataclasses import dataclass

EARTH_RADIUS_KM = 6371.0088
REFERENCE_LATITUDE = 46.8
_COS_REFERENCE = math.cos(math.radians(REFERENCE_LATITUDE))


@dataclass(frozen=True, slots=True)
class GeoPoint:
    latitude: float
    longitude: float

    def projected(self) -> tuple[float, float]:
        return project(self.latitude, self.longitude)


def project(latitude: float, longitude: float) -> tuple[float, float]:
    """(x, y) in kilometres on the Swiss plane."""
    x = EARTH_RADIUS_KM * math.radians(longitude) * _COS_REFERENCE
    y = EARTH_RADIUS_KM * math.radians(latitude)
    return round(x, 4), round(y, 4)


def plane_distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    return math.hypot(a[0] - b[0], a[1] - b[1])


def haversine_km(a: GeoPoint, b: GeoPoint) -> float:
    """Great-circle distance; the reference our plane distance is measured against."""
    phi1, phi2 = math.radians(a.latitude), math.radians(b.latitude)
    delta_phi = phi2 - phi1
    delta_lambda = math.radians(b.longitude - a.longitude)
    h = (
        math.sin(delta_phi / 2) ** 2
        + math.cos(phi1) * math.cos(phi2) * math.sin(delta_lambda / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))
