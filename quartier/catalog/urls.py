from django.urls import path

from quartier.catalog import views

app_name = "catalog"

urlpatterns = [
    path("search/", views.search, name="search"),
    path("listings/<int:pk>/", views.listing_detail, name="listing"),
    path("providers/<int:pk>/", views.provider_detail, name="provider"),
]
