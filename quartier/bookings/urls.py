from django.urls import path

from quartier.bookings import book_views, views

app_name = "bookings"

urlpatterns = [
    path("listings/<int:pk>/book/", book_views.booking_new, name="book"),
    path("listings/<int:pk>/book/summary/", book_views.booking_summary, name="book-summary"),
    path("bookings/<int:pk>/confirmed/", book_views.booking_confirmed, name="confirmed"),
    path("bookings/urgent/", views.booking_urgent, name="urgent"),
    path("dashboard/", views.customer_dashboard, name="dashboard"),
    path("dashboard/provider/", views.provider_dashboard, name="provider-dashboard"),
    path("bookings/", views.booking_list, name="list"),
    path("bookings/<int:pk>/", views.booking_detail, name="detail"),
    path("bookings/<int:pk>/transition/", views.booking_transition_view, name="transition"),
    path("bookings/<int:pk>/messages/", views.booking_message_view, name="message"),
    path(
        "bookings/<int:pk>/messages/read/",
        views.booking_messages_read_view,
        name="messages-read",
    ),
    path("bookings/<int:pk>/review/", views.booking_review_view, name="review"),
    path("bookings/<int:pk>/report/", views.booking_report_view, name="report"),
    path("calendar/<str:token>.ics", views.provider_feed_view, name="provider-feed"),
]
