from django.urls import path

from quartier.billing.api import views

urlpatterns = [
    path("billing/settings/", views.PayoutSettingsView.as_view(), name="billing-settings"),
    path("billing/payment-method/", views.PaymentMethodView.as_view(), name="billing-card"),
    path("billing/payments/", views.PaymentListView.as_view(), name="billing-payments"),
    path("billing/payments/<int:pk>/", views.PaymentDetailView.as_view(), name="billing-payment"),
    path(
        "billing/payments/<int:pk>/retry/",
        views.PaymentRetryView.as_view(),
        name="billing-payment-retry",
    ),
    path(
        "billing/payments/<int:pk>/refund/",
        views.PaymentRefundView.as_view(),
        name="billing-payment-refund",
    ),
    path("billing/connect/", views.ConnectView.as_view(), name="billing-connect"),
    path("billing/connect/onboard/", views.ConnectOnboardView.as_view(), name="billing-onboard"),
    path("billing/connect/refresh/", views.ConnectRefreshView.as_view(), name="billing-refresh"),
    path("billing/payouts/", views.PayoutListView.as_view(), name="billing-payouts"),
    path("billing/payouts/run/", views.PayoutRunView.as_view(), name="billing-payouts-run"),
    path("billing/ledger/", views.LedgerView.as_view(), name="billing-ledger"),
    path("billing/ledger/entries/", views.JournalEntryListView.as_view(), name="billing-entries"),
    path(
        "billing/statements/earnings.csv",
        views.EarningsStatementView.as_view(),
        name="billing-earnings",
    ),
    path(
        "billing/reports/commission.csv",
        views.CommissionReportView.as_view(),
        name="billing-commission",
    ),
]
