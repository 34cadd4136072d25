"""Background work of billing; every task takes ids and is safe to run twice."""

from celery import shared_task

from quartier.platform.tenancy import active_tenants, tenant_context


@shared_task(name="billing.payment_authorise", ignore_result=True)
def payment_authorise_task(*, payment_id: int) -> None:
    from quartier.billing.services.payments import payment_authorise

    payment_authorise(payment_id=payment_id)


@shared_task(name="billing.payment_settle", ignore_result=True)
def payment_settle_task(*, payment_id: int) -> None:
    from quartier.billing.services.payments import payment_settle

    payment_settle(payment_id=payment_id)


@shared_task(name="billing.sweep", ignore_result=True)
def payments_sweep(*, schema_name: str | None = None) -> int:
    """Push every payment Stripe has not answered for yet, and renew ageing holds.

    This is what makes an outage lose nothing: a payment left pending (or a capture not
    done) is retried here under the same idempotency key until Stripe answers.
    """
    from quartier.billing.services import payments

    pushed = 0
    for tenant in active_tenants(schema_name):
        with tenant_context(tenant):
            pending, settling, expiring = payments.payments_due_for_retry()
            # payment_settle authorises first when the payment is still pending.
            for payment in [*pending, *settling]:
                payments.payment_settle(payment_id=payment.pk)
                pushed += 1
            for payment in expiring:
                payments.payment_renew_authorisation(payment_id=payment.pk)
                pushed += 1
    return pushed


@shared_task(name="billing.payouts", ignore_result=True)
def payouts_run_task(*, schema_name: str | None = None) -> int:
    """Pay out providers of every tenant whose schedule says today."""
    from quartier.billing.services.payouts import payouts_run

    paid = 0
    for tenant in active_tenants(schema_name):
        with tenant_context(tenant):
            paid += len(payouts_run())
    return paid
