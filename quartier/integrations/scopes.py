"""The fixed list of what an API key may do, and which API routes need which scope.

The scope check runs with the key's authentication (`api/auth.py`), so it covers every
view of the API, including views of other apps whose permission classes we do not own:
a route missing from ROUTE_SCOPES is refused to every key (403).
"""

from django.utils.translation import gettext_lazy as _

BOOKINGS_READ = "bookings:read"
REQUESTS_WRITE = "requests:write"
ANALYTICS_READ = "analytics:read"
LISTINGS_MANAGE = "listings:manage"

SCOPES = {
    BOOKINGS_READ: _("Read bookings"),
    REQUESTS_WRITE: _("Create help requests"),
    ANALYTICS_READ: _("Read analytics"),
    LISTINGS_MANAGE: _("Moderate listings"),
}

SCOPE_CHOICES = list(SCOPES.items())

# view name (namespace:name) -> {HTTP method -> scope}
ROUTE_SCOPES: dict[str, dict[str, str]] = {
    "integrations-api:booking-list": {"GET": BOOKINGS_READ},
    "integrations-api:booking-detail": {"GET": BOOKINGS_READ},
    "integrations-api:analytics": {"GET": ANALYTICS_READ},
    "integrations-api:handoff-list": {"POST": REQUESTS_WRITE},
    "listing-hide": {"POST": LISTINGS_MANAGE},
    "listing-unhide": {"POST": LISTINGS_MANAGE},
}


def scope_for(view_name: str, method: str) -> str | None:
    method = "GET" if method in ("HEAD", "OPTIONS") else method
    return ROUTE_SCOPES.get(view_name, {}).get(method)
