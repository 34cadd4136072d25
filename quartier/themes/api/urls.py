from django.urls import path

from quartier.themes.api import views

urlpatterns = [
    path("theme/", views.ThemeView.as_view(), name="theme"),
    path("theme/publish/", views.ThemePublishView.as_view(), name="theme-publish"),
    path("theme/logo/", views.ThemeAssetView.as_view(asset="logo"), name="theme-logo"),
    path("theme/favicon/", views.ThemeAssetView.as_view(asset="favicon"), name="theme-favicon"),
]
