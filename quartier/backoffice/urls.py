from django.urls import path

from quartier.backoffice import views

app_name = "backoffice"

urlpatterns = [
    path("back-office/", views.index, name="index"),
    path("back-office/categories/", views.categories, name="categories"),
    path("back-office/categories/<int:pk>/", views.category_edit, name="category"),
    path("back-office/vetting/", views.vetting, name="vetting"),
    path(
        "back-office/vetting/applications/<int:pk>/",
        views.application_detail,
        name="application",
    ),
    path("back-office/badges/", views.badges, name="badges"),
    path("back-office/moderation/", views.moderation, name="moderation"),
    path("back-office/payouts/", views.payouts, name="payouts"),
    path("back-office/users/", views.users, name="users"),
    path("back-office/analytics/", views.analytics, name="analytics"),
    path("back-office/sign-in-failures/", views.signin_failures, name="signin-failures"),
]
