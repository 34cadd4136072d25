"""What every workspace page shares: the signed-in helper's profile, errors on forms."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect

from quartier.platform.errors import ApplicationError
from quartier.platform.forms import form_apply
from quartier.providers.selectors import provider_profile_of


def helper_page(view):
    """Signed in, and the helper's profile passed as `profile`; without a profile the
    page sends them to the wizard's first step instead."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        profile = provider_profile_of(request.user)
        if profile is None:
            return redirect("workspace:profile")
        return view(request, profile, *args, **kwargs)

    return wrapper


def renamed(error: ApplicationError, names: dict[str, str]) -> ApplicationError:
    """The same error with the service's field names replaced by the form's."""
    return ApplicationError(
        error.code,
        error.message,
        fields={names.get(field, field): found for field, found in error.fields.items()},
        status=error.status,
        extra=error.extra,
    )


def submit(form, act, *, names: dict[str, str] | None = None) -> int:
    """form_apply, with the service's field names mapped onto the form's fields."""

    def run(data):
        try:
            act(data)
        except ApplicationError as error:
            raise renamed(error, names or {}) from error

    return form_apply(form, run)
