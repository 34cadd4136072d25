"""URLs of the platform's own domain (public schema): operator console, admin and API."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from quartier.billing.api.webhook import StripeWebhookView
from quartier.platform.api.schema import OPERATOR_SCHEMA_SETTINGS
from quartier.tenants import views as operator_views

urlpatterns = [
    path("", operator_views.operator_home, name="operator-home"),
    path("", include("quartier.tenants.urls")),
    # The operator's sign-in: the admin's page, through our two-step sign-in.
    path("admin/login/", operator_views.OperatorSigninView.as_view(), name="operator-login"),
    path("admin/", admin.site.urls),
    path("", include("quartier.accounts.security_urls")),
    path("api/operator/", include("quartier.tenants.api.urls")),
    # Caddy's on-demand TLS asks here before it gets a certificate for a custom domain.
    path("internal/tls-ask", operator_views.tls_ask, name="tls-ask"),
    path("api/", include("quartier.accounts.api.urls")),
    path("api/stripe/webhook/", StripeWebhookView.as_view(), name="stripe-webhook"),
    # Without its own urlconf the generator would describe ROOT_URLCONF, the tenant API.
    path(
        "api/schema/",
        SpectacularAPIView.as_view(
            urlconf="quartier.config.urls_public", custom_settings=OPERATOR_SCHEMA_SETTINGS
        ),
        name="schema",
    ),
    path(
        "api/docs/",
        SpectacularSwaggerView.as_view(url_name="schema", title=OPERATOR_SCHEMA_SETTINGS["TITLE"]),
        name="api-docs",
    ),
]

handler404 = "quartier.platform.views.not_found"
handler500 = "quartier.platform.views.server_error"
