from django.urls import path

from quartier.catalog import seo, views

app_name = "catalog"

urlpatterns = [
    path("sitemap.xml", seo.sitemap, name="sitemap"),
    path("robots.txt", seo.robots, name="robots"),
    path("search/", views.search, name="search"),
    path("listings/<int:pk>/", views.listing_detail, name="listing"),
    path("providers/<int:pk>/", views.provider_detail, name="provider"),
    path("tasks/new/", views.task_new, name="task-new"),
    path("tasks/<int:pk>/", views.task_detail, name="task"),
    path("offers/<int:pk>/respond/", views.offer_respond, name="offer-respond"),
]
