"""Back office forms: they validate input; the services decide and write."""

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from quartier.billing.models import PaymentMode, PayoutInterval
from quartier.catalog.models import Category
from quartier.platform.errors import ApplicationError
from quartier.platform.formatting import money_format
from quartier.platform.forms import IntegerField
from quartier.platform.money import BASIS_POINTS, Money
from quartier.providers.models import ProviderProfile
from quartier.trust.models import Badge, Requirement

# Plain decimals only ("12.50" or "12,50"): no signs, exponents, or thousands separators.
DECIMAL_PATTERN = re.compile(r"^\d{1,9}(\.\d+)?$", re.ASCII)

# A refund form's token (see RefundForm).
REFUND_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")

LANGUAGES = (("de", _("German")), ("fr", _("French")), ("it", _("Italian")), ("en", _("English")))


class NamesForm(forms.Form):
    """A form with one text input per language for a name; at least one must be filled."""

    names_prefix = "name"
    names_label = _("Name")
    names_max_length = 80

    def __init__(self, *args, names: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self._add_name_fields(initial=names)

    def clean(self):
        cleaned = super().clean()
        if not self.cleaned_names():
            self.add_error(f"{self.names_prefix}_en", _("Give the name in at least one language."))
        return cleaned

    def _add_name_fields(self, *, initial: dict | None = None) -> None:
        for code, language in LANGUAGES:
            self.fields[f"{self.names_prefix}_{code}"] = forms.CharField(
                label=f"{self.names_label} ({language})",
                max_length=self.names_max_length,
                required=False,
                initial=(initial or {}).get(code, ""),
            )

    def cleaned_names(self) -> dict:
        return {
            code: self.cleaned_data[f"{self.names_prefix}_{code}"].strip()
            for code, _language in LANGUAGES
            if self.cleaned_data.get(f"{self.names_prefix}_{code}", "").strip()
        }


class CategoryForm(NamesForm):
    slug = forms.SlugField(label=_("Slug"), max_length=60)
    parent = forms.ModelChoiceField(
        label=_("Parent category"),
        queryset=Category.objects.filter(parent__isnull=True),
        required=False,
        empty_label=_("None (top level)"),
    )
    position = IntegerField(label=_("Position"), min_value=0, max_value=10_000, initial=0)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, category: Category | None = None, **kwargs):
        if category is not None:
            kwargs.setdefault(
                "initial",
                {
                    "slug": category.slug,
                    "parent": category.parent_id,
                    "position": category.position,
                    "is_active": category.is_active,
                },
            )
        super().__init__(*args, names=category.names if category else None, **kwargs)
        if category is not None:
            self.fields["parent"].queryset = self.fields["parent"].queryset.exclude(pk=category.pk)

    def values(self) -> dict:
        return {
            "slug": self.cleaned_data["slug"],
            "names": self.cleaned_names(),
            "parent": self.cleaned_data["parent"],
            "position": self.cleaned_data["position"],
            "is_active": self.cleaned_data["is_active"],
        }


class RequirementForm(NamesForm):
    names_prefix = "title"
    names_label = _("Title")
    names_max_length = 120

    kind = forms.ChoiceField(label=_("Kind of step"), choices=Requirement.Kind.choices)
    validity_days = IntegerField(
        label=_("Valid for (days)"),
        min_value=1,
        max_value=3650,
        required=False,
        help_text=_("Leave empty for a step that never expires."),
    )
    threshold = IntegerField(
        label=_("Threshold"),
        min_value=1,
        required=False,
        help_text=_("Completed bookings, or the rating x100, for those kinds of step."),
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=(("approve", _("Approve")), ("reject", _("Reject")))
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when you reject: the provider sees it."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "reject" and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("Say why, so the provider can fix it."))
        return cleaned

    @property
    def approve(self) -> bool:
        return self.cleaned_data["decision"] == "approve"


class BadgeForm(NamesForm):
    names_max_length = 60

    slug = forms.SlugField(label=_("Slug"), max_length=60)
    icon = forms.ChoiceField(label=_("Icon"), choices=Badge.Icon.choices)
    rule = forms.ChoiceField(label=_("How it is awarded"), choices=Badge.Rule.choices)
    threshold = IntegerField(label=_("Threshold"), min_value=1, required=False)
    min_reviews = IntegerField(label=_("Minimum reviews"), min_value=1, required=False)
    validity_days = IntegerField(
        label=_("Valid for (days)"), min_value=1, max_value=3650, required=False
    )


class AwardForm(forms.Form):
    provider = forms.ModelChoiceField(
        label=_("Provider"), queryset=ProviderProfile.objects.select_related("user")
    )
    reason = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args, provider_choices: list | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].label_from_instance = provider_label
        if provider_choices is not None:
            # One query for every badge's form on the page, not one per form.
            self.fields["provider"].choices = provider_choices


def provider_label(profile: ProviderProfile) -> str:
    return profile.display_name or profile.user.email


def provider_choices() -> list:
    providers = ProviderProfile.objects.select_related("user").order_by("display_name", "pk")
    return [("", _("Choose a helper…")), *((p.pk, provider_label(p)) for p in providers)]


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500)


def _plain_decimal(value: str) -> str:
    return value.strip().replace(",", ".")


def _percent_to_basis_points(value: str) -> int:
    value = _plain_decimal(value)
    if not DECIMAL_PATTERN.match(value):
        raise forms.ValidationError(_("Enter a percentage such as 12.5."))
    try:
        number = Decimal(value)
    except InvalidOperation as error:
        raise forms.ValidationError(_("Enter a percentage such as 12.5.")) from error
    if not number.is_finite() or number < 0 or number != number.quantize(Decimal("0.01")):
        raise forms.ValidationError(_("Use zero or more, with at most two decimals."))
    return int(number * 100)


def _basis_points_to_percent(basis_points: int) -> str:
    return str((Decimal(basis_points) / 100).normalize().quantize(Decimal("0.01")))


class PayoutSettingsForm(forms.Form):
    """Percentages and amounts as people write them; stored as basis points and minor units."""

    PERCENTS = {
        "commission_percent": "commission_basis_points",
        "customer_fee_percent": "customer_fee_basis_points",
        "late_cancellation_percent": "late_cancellation_basis_points",
        "vat_percent": "vat_basis_points",
    }
    AMOUNTS = {
        "commission_fixed": "commission_fixed_minor",
        "customer_fee_fixed": "customer_fee_fixed_minor",
        "payout_minimum": "payout_minimum_minor",
    }

    payment_mode = forms.ChoiceField(label=_("Payments"), choices=PaymentMode.choices)
    currency = forms.ChoiceField(label=_("Currency"), choices=(("CHF", "CHF"), ("EUR", "EUR")))
    commission_percent = forms.CharField(label=_("Commission (%)"), max_length=12)
    commission_fixed = forms.CharField(
        label=_("Fixed commission per booking (francs)"), max_length=16
    )
    customer_fee_percent = forms.CharField(label=_("Customer fee (%)"), max_length=12)
    customer_fee_fixed = forms.CharField(
        label=_("Fixed customer fee per booking (francs)"), max_length=16
    )
    payout_interval = forms.ChoiceField(label=_("Payout interval"), choices=PayoutInterval.choices)
    payout_minimum = forms.CharField(label=_("Minimum payout (francs)"), max_length=16)
    free_cancellation_hours = IntegerField(
        label=_("Free cancellation until (hours before the start)"), min_value=0, max_value=8760
    )
    late_cancellation_percent = forms.CharField(
        label=_("Charged for a late cancellation (%)"), max_length=12
    )
    # Optional: left empty, receipts show no VAT line.
    vat_percent = forms.CharField(
        label=_("VAT included in the prices, shown on receipts (%)"),
        max_length=12,
        required=False,
    )

    @classmethod
    def initial_from(cls, settings) -> dict:
        initial = {
            "payment_mode": settings.payment_mode,
            "currency": settings.currency,
            "payout_interval": settings.payout_interval,
            "free_cancellation_hours": settings.free_cancellation_hours,
        }
        for field, attribute in cls.PERCENTS.items():
            initial[field] = _basis_points_to_percent(getattr(settings, attribute))
        for field, attribute in cls.AMOUNTS.items():
            initial[field] = str(
                Money(getattr(settings, attribute), settings.currency).as_decimal()
            )
        return initial

    def clean(self):
        cleaned = super().clean()
        currency = cleaned.get("currency") or "CHF"
        if not cleaned.get("vat_percent"):
            cleaned["vat_percent"] = "0"
        for field in self.PERCENTS:
            if field in cleaned:
                try:
                    cleaned[field] = _percent_to_basis_points(cleaned[field])
                except forms.ValidationError as error:
                    self.add_error(field, error)
                    continue
                if cleaned[field] > BASIS_POINTS:
                    self.add_error(field, _("Use at most 100 %."))
        for field in self.AMOUNTS:
            if field in cleaned:
                text = _plain_decimal(cleaned[field])
                try:
                    if not DECIMAL_PATTERN.match(text):
                        raise ApplicationError.invalid_field(field, gettext("Not a plain amount."))
                    # Exact decimal parsing into integer minor units: never a float.
                    amount = Money.parse(text, currency)
                except ApplicationError:
                    self.add_error(field, _("Enter an amount such as 12.50."))
                    continue
                if amount.amount_minor < 0:
                    self.add_error(field, _("Use zero or more."))
                    continue
                cleaned[field] = amount.amount_minor
        return cleaned

    def changes(self) -> dict:
        data = self.cleaned_data
        changes = {
            "payment_mode": data["payment_mode"],
            "currency": data["currency"],
            "payout_interval": data["payout_interval"],
            "free_cancellation_hours": data["free_cancellation_hours"],
        }
        for field, attribute in {**self.PERCENTS, **self.AMOUNTS}.items():
            changes[attribute] = data[field]
        return changes

    def save_through(self, service, **kwargs):
        """Call `service` with the changes; its errors then name this form's fields
        (the service speaks of model attributes, the form of francs and percents)."""
        try:
            return service(**kwargs, **self.changes())
        except ApplicationError as error:
            raise ApplicationError(
                error.code,
                error.message,
                fields={self.field_for(name): problems for name, problems in error.fields.items()},
                status=error.status,
                extra=error.extra,
            ) from error

    def field_for(self, attribute: str) -> str:
        """The form field a service's error about `attribute` belongs next to."""
        reverse = {value: key for key, value in {**self.PERCENTS, **self.AMOUNTS}.items()}
        return reverse.get(attribute, attribute)


# Payments and disputes


class PaymentFilterForm(forms.Form):
    """The payments list's filters (a GET form); every field is optional."""

    status = forms.ChoiceField(label=_("Status"), required=False)
    provider = forms.TypedChoiceField(
        label=_("Helper"), required=False, coerce=int, empty_value=None
    )
    email = forms.CharField(label=_("Customer e-mail contains"), required=False, max_length=254)
    start = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": _("Enter a date such as 2026-03-31.")},
    )
    end = forms.DateField(
        label=_("To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": _("Enter a date such as 2026-03-31.")},
    )

    def __init__(self, *args, status_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("Any status")), *status_choices]
        self.fields["provider"].choices = [("", _("Any helper")), *provider_choices()[1:]]
        for field in ("status", "provider"):
            self.fields[field].error_messages["invalid_choice"] = _("Choose one of the list.")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end must not be before the start."))
        return cleaned

    def filters(self) -> dict:
        """The valid filters only: a bad field is shown with its error and left out."""
        data = getattr(self, "cleaned_data", {})
        return {
            "status": data.get("status") or "",
            "provider_id": data.get("provider"),
            "email": data.get("email") or "",
            "start": data.get("start"),
            "end": data.get("end"),
        }


class RefundForm(forms.Form):
    """A refund in francs, up to what is left to refund, with a reason.

    `token` names this form as shown: a second submit of the same form is the same
    refund request (see backoffice.views.payment_refund_view)."""

    amount = forms.CharField(
        label=_("Amount to refund"),
        max_length=20,
        help_text=_("In francs, e.g. 25 or 12.50."),
        error_messages={"required": _("Enter the amount to refund.")},
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "required": _("Give the reason for the refund."),
            "max_length": _("Use at most 200 characters."),
        },
    )
    token = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, payment=None, refundable: Money | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.payment = payment
        self.refundable = refundable

    def clean_amount(self) -> Money:
        payment = self.payment
        text = _plain_decimal(self.cleaned_data["amount"])
        try:
            if not DECIMAL_PATTERN.match(text):
                raise ApplicationError.invalid_field("amount", gettext("Not a plain amount."))
            # Exact decimal parsing into integer minor units: never a float.
            amount = Money.parse(text, payment.currency)
        except ApplicationError as error:
            raise forms.ValidationError(_("Enter an amount such as 12.50.")) from error
        refundable = self.refundable.amount_minor
        if not refundable:
            raise forms.ValidationError(_("Nothing can be refunded on this payment."))
        if not 0 < amount.amount_minor <= refundable:
            raise forms.ValidationError(
                _("Refund between %(least)s and %(most)s.")
                % {
                    "least": money_format(payment.money(1)),
                    "most": money_format(self.refundable),
                }
            )
        return amount

    def clean_token(self) -> str:
        token = self.cleaned_data["token"]
        if not REFUND_TOKEN.fullmatch(token):
            raise forms.ValidationError(_("This form is out of date: open the page again."))
        return token


class NoteForm(forms.Form):
    body = forms.CharField(
        label=_("Note"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write a few words.")},
    )


class ResolveForm(forms.Form):
    resolution = forms.CharField(
        label=_("What was decided"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say what was decided.")},
    )


class StepForm(NamesForm):
    """A vetting step's words and limits; the quiz's pass mark and attempts when it is one."""

    names_prefix = "title"
    names_label = _("Title")
    names_max_length = 120

    position = IntegerField(label=_("Position"), min_value=0, max_value=1000)
    validity_days = IntegerField(
        label=_("Valid for (days)"),
        min_value=1,
        max_value=3650,
        required=False,
        help_text=_("Leave empty for a step that never expires."),
    )
    threshold = IntegerField(
        label=_("Threshold"),
        min_value=1,
        required=False,
        help_text=_("Completed bookings, or the rating x100, for those kinds of step."),
    )

    def __init__(self, *args, requirement, **kwargs):
        super().__init__(*args, names=requirement.titles, **kwargs)
        self.fields["position"].initial = requirement.position
        self.fields["validity_days"].initial = requirement.validity_days
        self.fields["threshold"].initial = requirement.threshold
        for code, language in LANGUAGES:
            self.fields[f"instructions_{code}"] = forms.CharField(
                label=f"{gettext('Instructions for providers')} ({language})",
                max_length=2000,
                required=False,
                initial=requirement.instructions.get(code, ""),
                widget=forms.Textarea(attrs={"rows": 3}),
            )
        quiz = getattr(requirement, "quiz", None) if requirement.kind == "quiz" else None
        if quiz is not None:
            self.fields["pass_mark_percent"] = IntegerField(
                label=_("Pass mark (%)"), min_value=1, max_value=100, initial=quiz.pass_mark_percent
            )
            self.fields["max_attempts"] = IntegerField(
                label=_("Attempts allowed"), min_value=1, max_value=20, initial=quiz.max_attempts
            )

    def cleaned_instructions(self) -> dict:
        return {
            code: self.cleaned_data.get(f"instructions_{code}", "").strip()
            for code, _language in LANGUAGES
            if self.cleaned_data.get(f"instructions_{code}", "").strip()
        }


ANSWER_SLOTS = 6


class QuestionForm(forms.Form):
    """A quiz question with up to six answers, one of them marked correct."""

    text = forms.CharField(
        label=_("Question"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Write the question.")},
    )

    def __init__(self, *args, question=None, **kwargs):
        super().__init__(*args, **kwargs)
        existing = list(question.choices.all()) if question else []
        if question:
            self.fields["text"].initial = question.text
        for index in range(ANSWER_SLOTS):
            self.fields[f"choice_{index + 1}"] = forms.CharField(
                label=gettext("Answer %(number)s") % {"number": index + 1},
                max_length=300,
                required=False,
                initial=existing[index].text if index < len(existing) else "",
            )
        correct = next((i for i, choice in enumerate(existing) if choice.is_correct), None)
        self.fields["correct"] = forms.TypedChoiceField(
            label=_("The correct answer"),
            coerce=int,
            choices=[
                (i, gettext("Answer %(number)s is correct") % {"number": i + 1})
                for i in range(ANSWER_SLOTS)
            ],
            initial=correct,
            widget=forms.RadioSelect,
            error_messages={
                "required": _("Mark the correct answer."),
                "invalid_choice": _("Mark the correct answer."),
            },
        )

    def clean(self):
        cleaned = super().clean()
        filled = [cleaned.get(f"choice_{i + 1}", "").strip() for i in range(ANSWER_SLOTS)]
        if sum(bool(choice) for choice in filled) < 2:
            self.add_error("choice_1", _("Give at least two answers to choose from."))
        correct = cleaned.get("correct")
        if correct is not None and not filled[correct]:
            self.add_error("correct", _("Mark one of the filled-in answers as correct."))
        return cleaned

    def choices(self) -> list[str]:
        return [self.cleaned_data.get(f"choice_{i + 1}", "") for i in range(ANSWER_SLOTS)]


class DispatchPolicyForm(forms.Form):
    """One category's escalation rings (no category: every other category)."""

    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=Category.objects.all(),
        required=False,
        empty_label=_("Every other category"),
    )
    ring2_after_minutes = IntegerField(
        label=_("Ring 2 after (minutes)"), min_value=1, max_value=24 * 60, initial=10
    )
    ring2_radius_km = IntegerField(
        label=_("Ring 2 radius (km)"), min_value=1, max_value=300, initial=25
    )
    ring2_badge = forms.ChoiceField(label=_("Ring 2 badge"), required=False)
    support_after_minutes = IntegerField(
        label=_("Support queue after (minutes)"), min_value=2, max_value=48 * 60, initial=30
    )

    def __init__(self, *args, badges=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ring2_badge"].choices = [("", _("No badge"))] + [
            (badge.slug, str(badge)) for badge in badges
        ]


class AdminMfaForm(forms.Form):
    admins_require_mfa = forms.BooleanField(
        label=_("Administrators must use two-step sign-in"),
        required=False,
        help_text=_(
            "When on, the back office and the admin API refuse an administrator's session "
            "that did not pass an authenticator app or passkey."
        ),
    )
