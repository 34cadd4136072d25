from django.urls import path

from quartier.tenants.api import dead_letters, views

app_name = "operator-api"

urlpatterns = [
    path("tenants/", views.TenantListView.as_view(), name="tenant-list"),
    path("tenants/<slug:slug>/", views.TenantDetailView.as_view(), name="tenant-detail"),
    path("tenants/<slug:slug>/suspend/", views.TenantSuspendView.as_view(), name="tenant-suspend"),
    path("tenants/<slug:slug>/resume/", views.TenantResumeView.as_view(), name="tenant-resume"),
    path("tenants/<slug:slug>/restore/", views.TenantRestoreView.as_view(), name="tenant-restore"),
    path("tenants/<slug:slug>/purge/", views.TenantPurgeView.as_view(), name="tenant-purge"),
    path(
        "tenants/<slug:slug>/domains/",
        views.TenantDomainListView.as_view(),
        name="tenant-domain-list",
    ),
    path(
        "tenants/<slug:slug>/domains/<str:domain>/",
        views.TenantDomainDetailView.as_view(),
        name="tenant-domain-detail",
    ),
    path(
        "tenants/<slug:slug>/invoice-method/",
        views.TenantInvoiceMethodView.as_view(),
        name="tenant-invoice-method",
    ),
    path("invoices/", views.InvoiceListView.as_view(), name="invoice-list"),
    path("invoices/issue/", views.InvoiceIssueView.as_view(), name="invoice-issue"),
    path("invoices/<int:pk>/pdf/", views.InvoicePdfView.as_view(), name="invoice-pdf"),
    path("plans/", views.PlanListView.as_view(), name="plan-list"),
    path("pool/", views.PoolView.as_view(), name="pool"),
    path("dead-letters/", dead_letters.DeadLetterListView.as_view(), name="dead-letter-list"),
    path(
        "dead-letters/<int:pk>/",
        dead_letters.DeadLetterDetailView.as_view(),
        name="dead-letter-detail",
    ),
    path(
        "dead-letters/<int:pk>/retry/",
        dead_letters.DeadLetterRetryView.as_view(),
        name="dead-letter-retry",
    ),
]
