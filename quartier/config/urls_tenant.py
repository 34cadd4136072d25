"""URLs of a tenant's marketplace (its own schema): storefront pages and its API."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from quartier.sso.urls import allauth_patterns as sso_round_trip
from quartier.storefront import views as storefront_views

TENANT_APPS_WITH_URLS = [
    "catalog",
    "bookings",
    "trust",
    "billing",
    "themes",
    "marketplace",
    "backoffice",
    "integrations",
]

api_patterns = [
    path("", include("quartier.accounts.api.urls")),
    *[path("", include(f"quartier.{app}.api.urls")) for app in TENANT_APPS_WITH_URLS],
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
]

urlpatterns = [
    path("", storefront_views.home, name="home"),
    path("", include("quartier.storefront.urls")),
    path("accounts/", include("quartier.accounts.urls")),
    *sso_round_trip,
    path("", include("quartier.sso.urls")),
    path("", include("quartier.accounts.security_urls")),
    path("api/", include(api_patterns)),
    *[path("", include(f"quartier.{app}.urls")) for app in TENANT_APPS_WITH_URLS],
    path("", include("quartier.workspace.urls")),
    path("", include("quartier.notifications.urls")),
]

handler404 = "quartier.platform.views.not_found"
handler500 = "quartier.platform.views.server_error"
