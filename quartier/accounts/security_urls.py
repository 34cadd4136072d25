"""Two-step sign-in and account security pages; on tenant hosts and the operator's domain."""

from django.urls import path

from quartier.accounts import security_views as views

app_name = "security"

urlpatterns = [
    path("accounts/two-step/", views.second_step, name="second-step"),
    path("account/security/", views.security, name="index"),
    path("account/security/app/", views.totp_add, name="totp-add"),
    path("account/security/passkeys/new/", views.passkey_add, name="passkey-add"),
    path(
        "account/security/methods/<int:pk>/remove/",
        views.authenticator_remove,
        name="authenticator-remove",
    ),
    path("account/security/recovery-codes/", views.recovery_codes_new, name="recovery-codes"),
    path("account/security/devices/<int:pk>/revoke/", views.device_revoke, name="device-revoke"),
    path(
        "account/security/devices/revoke-others/",
        views.device_revoke_others,
        name="device-revoke-others",
    ),
]
