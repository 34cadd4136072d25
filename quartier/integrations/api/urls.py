from django.urls import path

from quartier.integrations.api import views

app_name = "integrations-api"

urlpatterns = [
    path("v1/bookings/", views.BookingListView.as_view(), name="booking-list"),
    path("v1/bookings/<int:pk>/", views.BookingDetailView.as_view(), name="booking-detail"),
    path("v1/handoffs/", views.HandoffCreateView.as_view(), name="handoff-list"),
    path("v1/analytics/", views.AnalyticsView.as_view(), name="analytics"),
]
