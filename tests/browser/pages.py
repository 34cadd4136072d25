"""Every page of the storefront, back office, workspace and operator console, with who
opens it and where its URL parameters come from (tests/browser/test_every_page.py).

A route of either URLconf that is in neither PAGES nor EXCLUDED fails
`test_every_route_is_listed`: a new page is checked by axe the day it is written, or
is excluded here with its reason. Routes whose view accepts only POST are not pages
and are skipped automatically; so are the JSON API (`api/`) and Django's own admin
beyond its index and sign-in.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

TENANT_URLCONF = "quartier.config.urls_tenant"
PUBLIC_URLCONF = "quartier.config.urls_public"


@dataclass(frozen=True)
class Page:
    route: str
    actor: str | None = None  # None, "customer", "provider", "admin" or "operator"
    # (rows) -> URL parameters, or None when the demo has no such row (reported, skipped)
    params: Callable | None = None
    query: str = ""
    public: bool = False  # on the platform's host (operator side)
    # The answer's status after redirects (an invalid link is a page people see too).
    expect: tuple[int, ...] = (200,)

    def path(self, rows) -> str | None:
        values = self.params(rows) if self.params else {}
        if values is None:
            return None
        path = re.sub(r"<(?:\w+:)?(\w+)>", lambda match: str(values[match.group(1)]), self.route)
        return "/" + path + (f"?{self.query}" if self.query else "")


def _listing(rows):
    return {"pk": rows.listing_pk}


def _booking(rows):
    return {"pk": rows.booking_pk}


def _first(model: str, **filters):
    def params(rows):
        pk = rows.first(model, **filters)
        return None if pk is None else {"pk": pk}

    return params


PAGES = [
    # Storefront, anonymous
    Page(""),
    Page("search/", query="q=WLAN"),
    Page("listings/<int:pk>/", params=_listing),
    Page("providers/<int:pk>/", params=lambda rows: {"pk": rows.provider_pk}),
    Page("accounts/login/"),
    Page("accounts/signup/"),
    Page(
        "accounts/verify-email/<str:token>/",
        params=lambda rows: {"token": "not-a-token"},
        expect=(400,),  # the "this link is not valid" page
    ),
    Page("accounts/password/reset/"),
    Page("accounts/password/reset/sent/"),
    Page(
        "accounts/password/set/<uidb64>/<token>/",
        params=lambda rows: {"uidb64": "MQ", "token": "not-a-token"},
    ),
    Page("imprint/"),
    Page("privacy/"),
    Page("handoffs/<str:token>/", params=lambda rows: {"token": "not-a-token"}),
    # Storefront, the customer
    Page("tasks/new/", "customer"),
    Page("tasks/<int:pk>/", "customer", params=_first("catalog.TaskRequest", mine=True)),
    Page("offers/<int:pk>/accept/", "customer", params=_first("catalog.Offer", mine=True)),
    Page("listings/<int:pk>/book/", "customer", params=_listing),
    Page("listings/<int:pk>/book/summary/", "customer", params=_listing),
    Page("bookings/<int:pk>/confirmed/", "customer", params=_booking),
    Page("bookings/urgent/", "customer"),
    Page("dashboard/", "customer"),
    Page("bookings/", "customer"),
    Page("bookings/<int:pk>/", "customer", params=_booking),
    Page("billing/bookings/<int:pk>/", "customer", params=_booking),
    Page("billing/payment-methods/", "customer"),
    Page("billing/receipts/", "customer"),
    Page("notifications/", "customer"),
    Page("notifications/preferences/", "customer"),
    # The helper
    Page("dashboard/provider/", "provider"),
    Page("workspace/start/", "provider"),
    Page("workspace/start/profile/", "provider"),
    Page("workspace/start/vetting/", "provider"),
    Page("workspace/start/vetting/<int:pk>/", "provider", params=_first("trust.Requirement")),
    Page(
        "workspace/start/vetting/<int:pk>/quiz/<int:number>/",
        "provider",
        params=lambda rows: (
            None
            if (pk := rows.first("trust.Requirement", kind="quiz")) is None
            else {"pk": pk, "number": 1}
        ),
    ),
    Page(
        "workspace/start/vetting/<int:pk>/quiz/result/",
        "provider",
        params=_first("trust.Requirement", kind="quiz"),
    ),
    Page("workspace/start/listing/", "provider"),
    Page("workspace/start/done/", "provider"),
    Page("workspace/listings/", "provider"),
    Page("workspace/listings/new/", "provider"),
    Page("workspace/listings/<int:pk>/", "provider", params=_listing),
    Page("workspace/hours/", "provider"),
    Page("workspace/tasks/", "provider"),
    Page("workspace/tasks/<int:pk>/", "provider", params=_first("catalog.TaskRequest")),
    Page("workspace/offers/", "provider"),
    Page("workspace/broadcasts/", "provider"),
    Page(
        "workspace/broadcasts/<int:pk>/",
        "provider",
        # The page is the booking's (its pk), reached through the helper's invite.
        params=lambda rows: (
            None
            if (pk := rows.first("bookings.BroadcastInvite", mine=True, field="booking_id")) is None
            else {"pk": pk}
        ),
    ),
    Page("workspace/earnings/", "provider"),
    Page("workspace/payouts/", "provider"),
    Page("workspace/calendar/", "provider"),
    Page("workspace/calendar/sync/", "provider"),
    # The back office
    Page("back-office/", "admin"),
    Page("back-office/theme/", "admin"),
    Page("back-office/categories/", "admin"),
    Page("back-office/categories/<int:pk>/", "admin", params=_first("catalog.Category")),
    Page("back-office/dispatch/", "admin"),
    Page("back-office/notifications/", "admin"),
    Page("back-office/vetting/", "admin"),
    Page("back-office/vetting/steps/<int:pk>/", "admin", params=_first("trust.Requirement")),
    Page(
        "back-office/vetting/steps/<int:pk>/questions/new/",
        "admin",
        params=_first("trust.Requirement", kind="quiz"),
    ),
    Page(
        "back-office/vetting/steps/<int:pk>/questions/<int:question_id>/",
        "admin",
        params=lambda rows: rows.quiz_question(),
    ),
    Page("back-office/vetting/applications/<int:pk>/", "admin", params=_first("trust.Application")),
    Page("back-office/badges/", "admin"),
    Page("back-office/moderation/", "admin"),
    Page("back-office/payouts/", "admin"),
    Page("back-office/payments/", "admin"),
    Page("back-office/payments/<int:pk>/", "admin", params=_first("billing.Payment")),
    Page("back-office/disputes/", "admin"),
    Page("back-office/disputes/<int:pk>/", "admin", params=_first("bookings.Dispute")),
    Page("back-office/users/", "admin"),
    Page("back-office/analytics/", "admin"),
    Page("back-office/sign-in-failures/", "admin"),
    Page("back-office/api-keys/", "admin"),
    Page("back-office/webhooks/", "admin"),
    Page("back-office/webhooks/<int:pk>/", "admin", params=_first("integrations.WebhookEndpoint")),
    Page(
        "back-office/webhooks/deliveries/<int:pk>/",
        "admin",
        params=_first("integrations.WebhookDelivery"),
    ),
    Page("back-office/eligibility/", "admin"),
    Page("back-office/security/", "admin"),
    Page("back-office/sign-in/", "admin"),
    # Account security (two-step sign-in, passkeys, devices): every signed-in person
    Page("account/security/", "admin"),
    Page("account/security/app/", "admin"),
    Page("account/security/passkeys/new/", "admin"),
    Page("accounts/two-step/"),  # with no password step pending: back to the sign-in page
    # The operator console (platform host)
    Page("", public=True),
    Page("operator/", "operator", public=True),
    Page("operator/dashboard/", "operator", public=True),
    Page("operator/fleet/", "operator", public=True),
    Page(
        "operator/tenants/<slug:slug>/",
        "operator",
        params=lambda rows: {"slug": rows.slug},
        public=True,
    ),
    Page("admin/", "operator", public=True),
    Page("admin/login/", public=True),
    Page("account/security/", "operator", public=True),
    Page("account/security/app/", "operator", public=True),
    Page("account/security/passkeys/new/", "operator", public=True),
    Page("accounts/two-step/", public=True),
]

NOT_HTML = "not an HTML page"
EXCLUDED = {
    # Tenant host
    "accounts/logout/": "signs out: a POST, its GET only redirects",
    "sitemap.xml": NOT_HTML,
    "robots.txt": NOT_HTML,
    "calendar/<str:token>.ics": NOT_HTML,
    "trust/documents/<str:token>/": "a file download",
    "billing/receipts/<int:pk>.pdf": NOT_HTML,
    "billing/refund-notes/<int:pk>.pdf": NOT_HTML,
    "theme.css": NOT_HTML,
    "theme/logo/": NOT_HTML,
    "theme/favicon/": NOT_HTML,
    "sw.js": NOT_HTML,
    "events/stream/": "an event stream",
    "billing/bookings/<int:pk>/card/": (
        "needs a marketplace taking cards through Stripe (stubbed): axe runs on it in "
        "tests/browser/test_card_payment.py"
    ),
    "accounts/sso/<str:provider_id>/callback/": (
        "the sign-on provider's return address; its error pages are checked in "
        "tests/sso/test_sso.py and the journey in tests/browser/test_sso_journey.py"
    ),
    "style-guide/": (
        "development only (404 unless DEBUG or STYLE_GUIDE): axe runs on it in both brands "
        "in tests/browser/test_screenshots.py"
    ),
    "workspace/payouts/return/": "Stripe's return address: redirects to the payouts page",
    "workspace/payouts/refresh/": "Stripe's refresh address: redirects to Stripe",
    # Platform host
    "operator/console.css": NOT_HTML,
    "internal/tls-ask": "the reverse proxy's plain-text question",
}
# Prefixes that are not our pages: the JSON API and Django's own admin (beyond the
# index and sign-in above, which are checked).
EXCLUDED_PREFIXES = {
    # (api/docs/ included: Swagger UI, a developer tool whose own markup fails axe with
    # nested buttons and low-contrast labels; only its <html lang> is ours to fix.)
    "api/": "JSON API and its Swagger UI",
    "admin/": "Django's admin",
}


def _is_post_only(view) -> bool:
    """A view wrapped in require_POST (or require_http_methods(["POST"]))."""
    while view is not None:
        for cell in getattr(view, "__closure__", None) or ():
            try:
                contents = cell.cell_contents
            except ValueError:
                continue
            if contents in (["POST"], ("POST",)):
                return True
        view = getattr(view, "__wrapped__", None)
    return False


def routes(urlconf: str) -> dict[str, object]:
    """Every route of the URLconf, as written, with its view."""
    found = {}

    def walk(patterns, prefix):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                found.setdefault(prefix + str(pattern.pattern), pattern.callback)

    walk(get_resolver(urlconf).url_patterns, "")
    return found


def unlisted(urlconf: str, *, public: bool) -> list[str]:
    """Routes that are pages but are neither checked nor excluded."""
    listed = {page.route for page in PAGES if page.public == public}
    missing = []
    for route, view in routes(urlconf).items():
        if route in listed or route in EXCLUDED or _is_post_only(view):
            continue
        if any(route.startswith(prefix) for prefix in EXCLUDED_PREFIXES):
            continue
        missing.append(route)
    return sorted(missing)
