from django.urls import path

from quartier.billing import views

app_name = "billing"

urlpatterns = [
    path("billing/bookings/<int:pk>/card/", views.card_step, name="card-step"),
    path("billing/bookings/<int:pk>/", views.booking_payment, name="booking-payment"),
    path("billing/bookings/<int:pk>/cash/", views.cash_received, name="cash-received"),
    path("billing/payment-methods/", views.payment_methods, name="payment-methods"),
    path("billing/receipts/", views.receipt_list, name="receipts"),
    path("billing/receipts/<int:pk>.pdf", views.receipt_download, name="receipt"),
    path("billing/refund-notes/<int:pk>.pdf", views.refund_note_download, name="refund-note"),
]
