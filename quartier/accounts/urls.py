from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from quartier.accounts import views
from quartier.accounts.tokens import tenant_token_generator

app_name = "accounts"

urlpatterns = [
    path("login/", views.SigninView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("signup/", views.signup, name="signup"),
    path("verify-email/<str:token>/", views.verify_email, name="verify-email"),
    path(
        "password/reset/",
        auth_views.PasswordResetView.as_view(
            template_name="accounts/password_reset.html",
            email_template_name="accounts/email/password_reset.txt",
            subject_template_name="accounts/email/password_reset_subject.txt",
            token_generator=tenant_token_generator,
            success_url=reverse_lazy("accounts:password-reset-sent"),
        ),
        name="password-reset",
    ),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_sent.html"),
        name="password-reset-sent",
    ),
    path(
        "password/set/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="accounts/password_set.html",
            token_generator=tenant_token_generator,
            success_url=reverse_lazy("accounts:login"),
        ),
        name="password-set",
    ),
]
