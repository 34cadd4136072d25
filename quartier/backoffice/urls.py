from django.urls import path

from quartier.backoffice import dispatch, views

app_name = "backoffice"

urlpatterns = [
    path("back-office/", views.index, name="index"),
    path("back-office/categories/", views.categories, name="categories"),
    path("back-office/dispatch/", dispatch.dispatch_queue, name="dispatch"),
    path("back-office/dispatch/policy/", dispatch.dispatch_policy, name="dispatch-policy"),
    path("back-office/categories/<int:pk>/", views.category_edit, name="category"),
    path("back-office/vetting/", views.vetting, name="vetting"),
    path(
        "back-office/vetting/steps/<int:pk>/toggle/",
        views.requirement_toggle,
        name="requirement-toggle",
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
    path("back-office/users/", views.users, name="users"),
    path("back-office/users/<int:pk>/activate/", views.user_activate, name="user-activate"),
    path("back-office/users/<int:pk>/deactivate/", views.user_deactivate, name="user-deactivate"),
    path("back-office/analytics/", views.analytics, name="analytics"),
    path("back-office/sign-in-failures/", views.signin_failures, name="signin-failures"),
]
