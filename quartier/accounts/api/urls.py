from django.urls import path

from quartier.accounts.api import views

app_name = "accounts-api"

urlpatterns = [
    path("auth/token/", views.TokenView.as_view(), name="token"),
    path("auth/signup/", views.SignupView.as_view(), name="signup"),
    path("me/", views.MeView.as_view(), name="me"),
    path("me/email/verify/", views.EmailVerificationView.as_view(), name="email-verify"),
    path("me/phone/verify/", views.PhoneVerificationView.as_view(), name="phone-verify"),
    path("me/phone/confirm/", views.PhoneConfirmView.as_view(), name="phone-confirm"),
]
