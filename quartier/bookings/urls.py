from django.urls import path

from quartier.bookings import views

app_name = "bookings"

urlpatterns = [
    path("bookings/", views.booking_list, name="list"),
    path("bookings/<int:pk>/", views.booking_detail, name="detail"),
    path("calendar/<str:token>.ics", views.provider_feed_view, name="provider-feed"),
]
