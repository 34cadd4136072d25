from django.urls import path

from quartier.trust import views

app_name = "trust"

urlpatterns = [
    path("trust/documents/<str:token>/", views.document_download, name="document-download"),
]
