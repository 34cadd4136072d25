from django.urls import path

from quartier.integrations import views

app_name = "integrations"

urlpatterns = [
    path("handoffs/<str:token>/", views.handoff_view, name="handoff"),
    path("back-office/api-keys/", views.api_keys, name="api-keys"),
    path("back-office/api-keys/<int:pk>/revoke/", views.api_key_revoke_view, name="api-key-revoke"),
    path("back-office/webhooks/", views.webhooks, name="webhooks"),
    path("back-office/webhooks/<int:pk>/", views.endpoint_detail, name="endpoint"),
    path("back-office/webhooks/<int:pk>/rotate/", views.endpoint_rotate, name="endpoint-rotate"),
    path("back-office/webhooks/deliveries/<int:pk>/", views.delivery_detail, name="delivery"),
    path(
        "back-office/webhooks/deliveries/<int:pk>/replay/",
        views.delivery_replay_view,
        name="delivery-replay",
    ),
]
