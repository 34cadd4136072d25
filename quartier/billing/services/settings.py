"""The tenant's payout settings: read and change (validated, audited)."""

from django.db import transaction
from django.utils.translation import gettext as _

from quartier.billing.models import PayoutSettings
from quartier.marketplace.services import audit_record
from quartier.platform.errors import ApplicationError
from quartier.platform.money import BASIS_POINTS, MAX_AMOUNT_MINOR, validate_currency

FIELDS = (
    "payment_mode",
    "currency",
    "commission_basis_points",
    "commission_fixed_minor",
    "customer_fee_basis_points",
    "customer_fee_fixed_minor",
    "payout_interval",
    "payout_minimum_minor",
    "free_cancellation_hours",
    "late_cancellation_basis_points",
    "vat_basis_points",
)


def payout_settings_get() -> PayoutSettings:
    return PayoutSettings.objects.get_or_create(singleton=True)[0]


def payout_settings_validate(values: dict) -> None:
    """Field errors for fees that make no sense, all at once."""
    problems: dict[str, list[str]] = {}
    for name, value in values.items():
        if name.endswith(("_basis_points", "_minor", "_hours")) and (
            type(value) is not int or value < 0
        ):
            problems[name] = [_("Use a whole number, zero or more.")]
        elif name.endswith("_minor") and value > MAX_AMOUNT_MINOR:
            problems[name] = [_("This amount is too large.")]
    if values.get("commission_basis_points", 0) >= BASIS_POINTS:
        problems["commission_basis_points"] = [_("The commission must be below 100 %.")]
    for name in ("customer_fee_basis_points", "late_cancellation_basis_points", "vat_basis_points"):
        if values.get(name, 0) > BASIS_POINTS:
            problems[name] = [_("Use at most 100 % (10000 basis points).")]
    if "currency" in values:
        try:
            validate_currency(values["currency"])
        except ApplicationError as error:
            problems.update(error.fields)
    if problems:
        raise ApplicationError("invalid", _("Check the payout settings."), fields=problems)


@transaction.atomic
def payout_settings_update(*, actor, **changes) -> PayoutSettings:
    unknown = set(changes) - set(FIELDS)
    if unknown:
        raise ApplicationError.invalid_field(sorted(unknown)[0], _("Unknown setting."))
    payout_settings = PayoutSettings.objects.select_for_update().get(pk=payout_settings_get().pk)
    payout_settings_validate(changes)
    before = {name: getattr(payout_settings, name) for name in changes}
    for name, value in changes.items():
        setattr(payout_settings, name, value)
    payout_settings.save()
    audit_record(
        actor=actor,
        action="billing.settings_changed",
        subject=payout_settings,
        before=before,
        after=changes,
    )
    return payout_settings
