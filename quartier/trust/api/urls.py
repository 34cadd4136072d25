from django.urls import path

from quartier.trust.api import views

urlpatterns = [
    path("vetting/rules/", views.RuleListView.as_view(), name="vetting-rules"),
    path("vetting/rules/<int:pk>/", views.RuleDetailView.as_view(), name="vetting-rule"),
    path("vetting/rules/<int:pk>/quiz/", views.RuleQuizView.as_view(), name="vetting-rule-quiz"),
    path(
        "vetting/rules/<int:pk>/documents/",
        views.DocumentUploadView.as_view(),
        name="vetting-document-upload",
    ),
    path("vetting/application/", views.MyApplicationView.as_view(), name="vetting-mine"),
    path(
        "vetting/application/submit/",
        views.MyApplicationSubmitView.as_view(),
        name="vetting-submit",
    ),
    path(
        "vetting/documents/<int:pk>/link/",
        views.DocumentLinkView.as_view(),
        name="vetting-document-link",
    ),
    path("vetting/quizzes/<int:pk>/", views.QuizView.as_view(), name="vetting-quiz"),
    path(
        "vetting/quizzes/<int:pk>/attempts/",
        views.QuizAttemptView.as_view(),
        name="vetting-quiz-attempt",
    ),
    path("vetting/applications/", views.ApplicationListView.as_view(), name="vetting-applications"),
    path(
        "vetting/applications/<int:pk>/",
        views.ApplicationDetailView.as_view(),
        name="vetting-application",
    ),
    path(
        "vetting/applications/<int:pk>/steps/<int:requirement_id>/review/",
        views.StepReviewView.as_view(),
        name="vetting-step-review",
    ),
    path(
        "vetting/applications/<int:pk>/decide/",
        views.ApplicationDecisionView.as_view(),
        name="vetting-decide",
    ),
    path(
        "providers/<int:pk>/suspend/",
        views.ProviderSuspendView.as_view(suspend=True),
        name="provider-suspend",
    ),
    path(
        "providers/<int:pk>/unsuspend/",
        views.ProviderSuspendView.as_view(suspend=False),
        name="provider-unsuspend",
    ),
    path(
        "providers/<int:pk>/badges/", views.ProviderAwardListView.as_view(), name="provider-badges"
    ),
    path("badges/", views.BadgeListView.as_view(), name="badges"),
    path("badges/<int:pk>/", views.BadgeDetailView.as_view(), name="badge"),
    path("badges/<int:pk>/award/", views.BadgeAwardView.as_view(), name="badge-award"),
    path(
        "badge-awards/<int:pk>/revoke/", views.AwardRevokeView.as_view(), name="badge-award-revoke"
    ),
    path("audit/", views.AuditListView.as_view(), name="audit"),
]
