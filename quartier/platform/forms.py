"""Helpers for server-rendered forms."""

from django import forms

from quartier.platform.errors import ApplicationError
from quartier.platform.params import integer_or_none


class IntegerField(forms.IntegerField):
    """Django's IntegerField reading only ASCII digits (see quartier.platform.params):
    "١٢" is refused like "abc", not taken as 12; "1.0" is refused too."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        number = integer_or_none(value.strip() if isinstance(value, str) else value)
        if number is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return number


def add_application_error(form: forms.Form, error: ApplicationError) -> None:
    """Show a service's ApplicationError on the form, per field where it names one."""
    if not error.fields:
        form.add_error(None, error.message)
        return
    for field, messages in error.fields.items():
        target = field if field in form.fields else None
        for message in messages:
            form.add_error(target, str(message))


def form_apply(form: forms.Form, act) -> int:
    """Validate `form`, then run `act(cleaned_data)` (one service call).

    Returns 200 when both succeeded; otherwise the status the page answers with (400 for
    invalid input, the service error's own status for a refusal), the errors on the form.
    """
    if not form.is_valid():
        return 400
    try:
        act(form.cleaned_data)
    except ApplicationError as error:
        add_application_error(form, error)
        return error.status
    return 200
