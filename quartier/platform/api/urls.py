from django.urls import path

from quartier.platform.api import operator

app_name = "platform-operator-api"

urlpatterns = [
    path("dead-letters/", operator.DeadLetterListView.as_view(), name="dead-letter-list"),
    path(
        "dead-letters/<int:pk>/", operator.DeadLetterDetailView.as_view(), name="dead-letter-detail"
    ),
    path(
        "dead-letters/<int:pk>/retry/",
        operator.DeadLetterRetryView.as_view(),
        name="dead-letter-retry",
    ),
]
