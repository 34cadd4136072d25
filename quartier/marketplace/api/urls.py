from django.urls import path

from quartier.marketplace.api import views

urlpatterns = [
    path("marketplace/languages/", views.LanguagesView.as_view(), name="marketplace-languages"),
]
