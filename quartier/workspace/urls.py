from django.urls import path

from quartier.workspace.views import (
    broadcasts,
    calendar,
    earnings,
    hours,
    listing_photos,
    listings,
    payouts,
    tasks,
    vetting,
    wizard,
)

app_name = "workspace"

urlpatterns = [
    path("workspace/start/", wizard.start, name="start"),
    path("workspace/start/profile/", wizard.profile_step, name="profile"),
    path("workspace/start/vetting/", vetting.vetting_step, name="vetting"),
    path("workspace/start/vetting/submit/", vetting.vetting_submit, name="vetting-submit"),
    path("workspace/start/vetting/email/", vetting.email_send, name="email-send"),
    path("workspace/start/vetting/phone/", vetting.phone_send, name="phone-send"),
    path("workspace/start/vetting/phone/confirm/", vetting.phone_confirm, name="phone-confirm"),
    path("workspace/start/vetting/<int:pk>/", vetting.requirement_page, name="requirement"),
    path(
        "workspace/start/vetting/<int:pk>/quiz/<int:number>/",
        vetting.quiz_question,
        name="quiz-question",
    ),
    path("workspace/start/vetting/<int:pk>/quiz/result/", vetting.quiz_result, name="quiz-result"),
    path("workspace/start/listing/", wizard.first_listing_step, name="first-listing"),
    path("workspace/start/done/", wizard.done_step, name="done"),
    path("workspace/listings/", listings.listing_list, name="listings"),
    path("workspace/listings/new/", listings.listing_new, name="listing-new"),
    path("workspace/listings/<int:pk>/", listings.listing_edit, name="listing-edit"),
    path("workspace/listings/<int:pk>/status/", listings.listing_status, name="listing-status"),
    path("workspace/listings/<int:pk>/delete/", listings.listing_delete, name="listing-delete"),
    path("workspace/listings/<int:pk>/photos/", listing_photos.photos_add, name="listing-photos"),
    path(
        "workspace/listings/<int:pk>/photos/order/",
        listing_photos.photos_order,
        name="listing-photos-order",
    ),
    path(
        "workspace/listings/<int:pk>/photos/<int:photo_id>/move/",
        listing_photos.photo_move,
        name="listing-photo-move",
    ),
    path(
        "workspace/listings/<int:pk>/photos/<int:photo_id>/delete/",
        listing_photos.photo_delete,
        name="listing-photo-delete",
    ),
    path("workspace/hours/", hours.hours, name="hours"),
    path("workspace/hours/time-off/", hours.time_off_add, name="time-off-add"),
    path(
        "workspace/hours/time-off/<int:pk>/delete/", hours.time_off_delete, name="time-off-delete"
    ),
    path("workspace/tasks/", tasks.task_board, name="tasks"),
    path("workspace/tasks/<int:pk>/", tasks.task_page, name="task"),
    path("workspace/offers/", tasks.offer_list, name="offers"),
    path("workspace/offers/<int:pk>/withdraw/", tasks.offer_withdraw, name="offer-withdraw"),
    path("workspace/broadcasts/", broadcasts.broadcast_list, name="broadcasts"),
    path("workspace/broadcasts/<int:pk>/", broadcasts.broadcast_page, name="broadcast"),
    path(
        "workspace/broadcasts/<int:pk>/accept/",
        broadcasts.broadcast_accept,
        name="broadcast-accept",
    ),
    path(
        "workspace/broadcasts/<int:pk>/decline/",
        broadcasts.broadcast_decline,
        name="broadcast-decline",
    ),
    path("workspace/earnings/", earnings.earnings, name="earnings"),
    path("workspace/payouts/", payouts.payouts, name="payouts"),
    path("workspace/payouts/onboard/", payouts.payouts_onboard, name="payouts-onboard"),
    path("workspace/payouts/return/", payouts.payouts_return, name="payouts-return"),
    path("workspace/payouts/refresh/", payouts.payouts_refresh, name="payouts-refresh"),
    # The month calendar and the calendar links (issue 14, part 5).
    path("workspace/calendar/", calendar.calendar_month, name="calendar"),
    path("workspace/calendar/time-off/", calendar.time_off_add, name="calendar-time-off"),
    path("workspace/calendar/extra-hours/", calendar.extra_hours_add, name="calendar-extra"),
    path(
        "workspace/calendar/periods/<int:pk>/delete/",
        calendar.period_delete,
        name="calendar-period-delete",
    ),
    path("workspace/calendar/rules/", calendar.rules, name="calendar-rules"),
    path("workspace/calendar/sync/", calendar.calendar_sync, name="calendar-sync"),
    path("workspace/calendar/sync/feed/", calendar.feed_rotate, name="calendar-feed"),
    path("workspace/calendar/sync/import/", calendar.import_subscribe, name="calendar-import"),
    path(
        "workspace/calendar/sync/import/refresh/",
        calendar.import_refresh,
        name="calendar-import-refresh",
    ),
    path(
        "workspace/calendar/sync/import/remove/",
        calendar.import_remove,
        name="calendar-import-remove",
    ),
]
