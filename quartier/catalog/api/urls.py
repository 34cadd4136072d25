from django.urls import path

from quartier.catalog.api import views

urlpatterns = [
    path("categories/", views.CategoryListView.as_view(), name="category-list"),
    path("categories/<int:pk>/", views.CategoryDetailView.as_view(), name="category-detail"),
    path("providers/me/", views.MyProviderProfileView.as_view(), name="provider-me"),
    path("providers/me/photo/", views.MyProviderPhotoView.as_view(), name="provider-me-photo"),
    path("providers/<int:pk>/", views.ProviderDetailView.as_view(), name="provider-detail"),
    path("listings/", views.ListingListView.as_view(), name="listing-list"),
    path("listings/search/", views.ListingSearchView.as_view(), name="listing-search"),
    path("listings/<int:pk>/", views.ListingDetailView.as_view(), name="listing-detail"),
    *[
        path(
            f"listings/<int:pk>/{action}/",
            views.ListingStatusView.as_view(target=target),
            name=f"listing-{action}",
        )
        for action, target in views.LISTING_STATUS_VIEWS.items()
    ],
    path("listings/<int:pk>/hide/", views.ListingHideView.as_view(), name="listing-hide"),
    path("listings/<int:pk>/unhide/", views.ListingUnhideView.as_view(), name="listing-unhide"),
    path(
        "listings/<int:pk>/photos/", views.ListingPhotoListView.as_view(), name="listing-photo-list"
    ),
    path(
        "listings/<int:pk>/photos/<int:photo_id>/",
        views.ListingPhotoDetailView.as_view(),
        name="listing-photo-detail",
    ),
    path("tasks/", views.TaskListView.as_view(), name="task-list"),
    path("tasks/search/", views.TaskSearchView.as_view(), name="task-search"),
    path("tasks/<int:pk>/", views.TaskDetailView.as_view(), name="task-detail"),
    path("tasks/<int:pk>/cancel/", views.TaskCancelView.as_view(), name="task-cancel"),
    path("tasks/<int:pk>/offers/", views.TaskOfferListView.as_view(), name="task-offers"),
    path("offers/mine/", views.MyOfferListView.as_view(), name="offer-mine"),
    *[
        path(
            f"offers/<int:pk>/{action}/",
            views.OfferActionView.as_view(action_name=action),
            name=f"offer-{action}",
        )
        for action in ("accept", "decline", "withdraw")
    ],
]
