"""Forms of the catalog pages; each hands clean values to one service."""

from datetime import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from quartier.catalog.models import Category
from quartier.platform.forms import IntegerField
from quartier.platform.money import Money


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, category) -> str:
        return str(category)


class TaskForm(forms.Form):
    category = CategoryChoiceField(
        label=_("Category"),
        queryset=Category.objects.none(),
        empty_label=_("Choose a category…"),
        error_messages={
            "required": _("Choose a category."),
            "invalid_choice": _("Choose a category from the list."),
        },
    )
    title = forms.CharField(
        label=_("What do you need help with?"),
        max_length=120,
        error_messages={
            "required": _("Say in a few words what you need help with."),
            "max_length": _("Use at most 120 characters."),
        },
    )
    description = forms.CharField(
        label=_("Details (optional)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    postal_code = forms.RegexField(
        label=_("Postal code"),
        regex=r"^[1-9][0-9]{3}$",
        error_messages={
            "required": _("Enter a Swiss postal code of four digits, e.g. 8004."),
            "invalid": _("Enter a Swiss postal code of four digits, e.g. 8004."),
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
    )
    budget = IntegerField(
        label=_("Budget in CHF (optional)"),
        required=False,
        min_value=1,
        max_value=1_000_000,
        error_messages={
            "invalid": _("Enter a budget in whole francs, e.g. 80."),
            "min_value": _("Enter a budget in whole francs, e.g. 80."),
            "max_value": _("Enter a budget of at most 1’000’000 francs."),
        },
    )

    def __init__(self, *args, categories=None, currency: str = "CHF", **kwargs):
        super().__init__(*args, **kwargs)
        self.currency = currency
        if categories is not None:
            self.fields["category"].queryset = categories

    def service_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        francs = data.pop("budget")
        data["budget"] = Money(francs * 100, self.currency) if francs else None
        return data


class OfferResponseForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", "accept"), ("decline", "decline")])


class OfferTimeForm(forms.Form):
    """The customer gives the start of the job when the helper's offer has no time."""

    day = forms.DateField(
        label=_("Day"),
        input_formats=["%Y-%m-%d", "%d.%m.%Y"],
        error_messages={
            "required": _("Choose the day the job should take place."),
            "invalid": _("Enter a date like 24.12.2026."),
        },
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "off"}, format="%Y-%m-%d"),
    )
    start = forms.TimeField(
        label=_("Start time"),
        error_messages={
            "required": _("Choose the time the job should start."),
            "invalid": _("Enter a time like 08:30."),
        },
        widget=forms.TimeInput(attrs={"type": "time", "autocomplete": "off"}, format="%H:%M"),
    )

    def starts_at(self, zone):
        """The wall-clock day and time in the marketplace's zone."""
        return datetime.combine(self.cleaned_data["day"], self.cleaned_data["start"], tzinfo=zone)
