from django.urls import path

from quartier.marketplace import views

app_name = "marketplace"

urlpatterns = [
    path("language/", views.language_switch, name="language-switch"),
    path("invitation/", views.invitation_redeem, name="invitation-redeem"),
]
