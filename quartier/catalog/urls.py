from django.urls import path

from quartier.catalog import seo, views

app_name = "catalog"

urlpatterns = [
    path("sitemap.xml", seo.sitemap, name="sitemap"),
    path("robots.txt", seo.robots, name="robots"),
    path("tasks/new/", views.task_new, name="task-new"),
    path("tasks/<int:pk>/", views.task_detail, name="task"),
    path("offers/<int:pk>/accept/", views.offer_accept_time, name="offer-accept"),
    path("offers/<int:pk>/respond/", views.offer_respond, name="offer-respond"),
]
