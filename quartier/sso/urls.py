from django.urls import path

from quartier.sso import views

app_name = "sso"

urlpatterns = [
    path("back-office/sign-in/", views.sso_settings, name="settings"),
    path("back-office/sign-in/test/", views.sso_test, name="test"),
]

# allauth reverses these two names (without a namespace) to build its redirect URI.
allauth_patterns = [
    path("accounts/sso/<str:provider_id>/login/", views.login, name="openid_connect_login"),
    path(
        "accounts/sso/<str:provider_id>/callback/",
        views.callback,
        name="openid_connect_callback",
    ),
]
