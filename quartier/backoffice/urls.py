from django.urls import path

from quartier.backoffice import dispatch, eligibility, notifications, step_views, views

app_name = "backoffice"

urlpatterns = [
    path("back-office/", views.index, name="index"),
    path("back-office/categories/", views.categories, name="categories"),
    path("back-office/dispatch/", dispatch.dispatch_queue, name="dispatch"),
    path(
        "back-office/notifications/",
        notifications.notification_defaults,
        name="notifications",
    ),
    path("back-office/eligibility/", eligibility.policy, name="eligibility"),
    path(
        "back-office/eligibility/rules/<str:role>/",
        eligibility.rule_save,
        name="eligibility-rule",
    ),
    path(
        "back-office/eligibility/codes/",
        eligibility.code_create,
        name="eligibility-code-create",
    ),
    path(
        "back-office/eligibility/codes/<int:pk>/revoke/",
        eligibility.code_revoke,
        name="eligibility-code-revoke",
    ),
    path(
        "back-office/eligibility/allow-list/",
        eligibility.allowlist_upload,
        name="eligibility-allowlist",
    ),
    path("back-office/dispatch/policy/", dispatch.dispatch_policy, name="dispatch-policy"),
    path("back-office/categories/<int:pk>/", views.category_edit, name="category"),
    path("back-office/vetting/", views.vetting, name="vetting"),
    path(
        "back-office/vetting/steps/<int:pk>/toggle/",
        views.requirement_toggle,
        name="requirement-toggle",
    ),
    path("back-office/vetting/steps/<int:pk>/", step_views.step_edit, name="step"),
    path(
        "back-office/vetting/steps/<int:pk>/questions/new/",
        step_views.question_new,
        name="question-new",
    ),
    path(
        "back-office/vetting/steps/<int:pk>/questions/<int:question_id>/",
        step_views.question_edit,
        name="question",
    ),
    path(
        "back-office/vetting/steps/<int:pk>/questions/<int:question_id>/delete/",
        step_views.question_delete,
        name="question-delete",
    ),
    path(
        "back-office/vetting/applications/<int:pk>/",
        views.application_detail,
        name="application",
    ),
    path(
        "back-office/vetting/applications/<int:pk>/decide/",
        views.application_decide_view,
        name="application-decide",
    ),
    path(
        "back-office/vetting/applications/<int:pk>/steps/<int:requirement_pk>/review/",
        views.step_review_view,
        name="step-review",
    ),
    path("back-office/badges/", views.badges, name="badges"),
    path("back-office/badges/<int:pk>/award/", views.badge_award_view, name="badge-award"),
    path("back-office/awards/<int:pk>/revoke/", views.badge_revoke_view, name="award-revoke"),
    path("back-office/moderation/", views.moderation, name="moderation"),
    path(
        "back-office/moderation/listings/<int:pk>/hide/",
        views.listing_hide_view,
        name="listing-hide",
    ),
    path(
        "back-office/moderation/listings/<int:pk>/unhide/",
        views.listing_unhide_view,
        name="listing-unhide",
    ),
    path(
        "back-office/moderation/reviews/<int:pk>/hide/",
        views.review_hide_view,
        name="review-hide",
    ),
    path("back-office/payouts/", views.payouts, name="payouts"),
    path("back-office/payments/", views.payments, name="payments"),
    path("back-office/payments/<int:pk>/", views.payment_detail, name="payment"),
    path("back-office/payments/<int:pk>/refund/", views.payment_refund_view, name="payment-refund"),
    path("back-office/disputes/", views.disputes, name="disputes"),
    path("back-office/disputes/<int:pk>/", views.dispute_detail, name="dispute"),
    path("back-office/disputes/<int:pk>/notes/", views.dispute_note_view, name="dispute-note"),
    path(
        "back-office/disputes/<int:pk>/resolve/", views.dispute_resolve_view, name="dispute-resolve"
    ),
    path("back-office/users/", views.users, name="users"),
    path("back-office/users/<int:pk>/activate/", views.user_activate, name="user-activate"),
    path("back-office/users/<int:pk>/deactivate/", views.user_deactivate, name="user-deactivate"),
    path("back-office/analytics/", views.analytics, name="analytics"),
    path("back-office/sign-in-failures/", views.signin_failures, name="signin-failures"),
    path("back-office/security/", views.security, name="security"),
]
