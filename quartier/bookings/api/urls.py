from django.urls import path

from quartier.bookings.api import views
from quartier.bookings.services.lifecycle import PARTY_ACTIONS

app_name = "bookings-api"

urlpatterns = [
    path("schedule/", views.ScheduleView.as_view(), name="schedule"),
    path("schedule/time-off/", views.TimeOffListView.as_view(), name="time-off-list"),
    path("schedule/time-off/<int:pk>/", views.TimeOffDetailView.as_view(), name="time-off-detail"),
    path("schedule/feed-token/", views.FeedTokenView.as_view(), name="feed-token"),
    path("schedule/import/", views.CalendarImportView.as_view(), name="calendar-import"),
    path("listings/<int:pk>/slots/", views.ListingSlotsView.as_view(), name="listing-slots"),
    path("bookings/", views.BookingListView.as_view(), name="booking-list"),
    path("bookings/broadcast/", views.BroadcastCreateView.as_view(), name="broadcast-create"),
    path("bookings/<int:pk>/", views.BookingDetailView.as_view(), name="booking-detail"),
    *[
        path(
            f"bookings/<int:pk>/{action.replace('_', '-')}/",
            views.BookingActionView.as_view(action_name=action),
            name=f"booking-{action}",
        )
        for action in PARTY_ACTIONS
    ],
    path("bookings/<int:pk>/messages/", views.MessageListView.as_view(), name="message-list"),
    path("bookings/<int:pk>/messages/read/", views.MessageReadView.as_view(), name="message-read"),
    path(
        "bookings/<int:pk>/messages/<int:message_id>/attachment/",
        views.MessageAttachmentView.as_view(),
        name="message-attachment",
    ),
    path(
        "bookings/<int:pk>/reviews/", views.BookingReviewListView.as_view(), name="booking-reviews"
    ),
    path("broadcasts/", views.BroadcastListView.as_view(), name="broadcast-list"),
    path(
        "broadcasts/<int:pk>/accept/", views.BroadcastAcceptView.as_view(), name="broadcast-accept"
    ),
    path(
        "providers/<int:pk>/reviews/",
        views.ProviderReviewListView.as_view(),
        name="provider-reviews",
    ),
    path("reviews/<int:pk>/hide/", views.ReviewHideView.as_view(), name="review-hide"),
]
