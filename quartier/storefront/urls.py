from django.urls import path

from quartier.storefront import style_guide, views

app_name = "storefront"

urlpatterns = [
    path("search/", views.search, name="search"),
    path("listings/<int:pk>/", views.listing_detail, name="listing"),
    path("providers/<int:pk>/", views.provider_detail, name="provider"),
    path("style-guide/", style_guide.style_guide, name="style-guide"),
]
