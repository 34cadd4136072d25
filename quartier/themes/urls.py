from django.urls import path

from quartier.themes import views

app_name = "themes"

urlpatterns = [
    path("theme.css", views.stylesheet, name="css"),
    path("theme/logo/", views.logo, name="logo"),
    path("theme/favicon/", views.favicon, name="favicon"),
    path("imprint/", views.imprint, name="imprint"),
    path("privacy/", views.privacy, name="privacy"),
    path("back-office/theme/", views.editor, name="editor"),
]
