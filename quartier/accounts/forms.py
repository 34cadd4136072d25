from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from quartier.accounts.models import SigninFailure, User
from quartier.accounts.signin import SigninLocked, signin_attempt


class SignupForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    email = forms.EmailField(label=_("Email"), max_length=254)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, max_length=128)
    role = forms.ChoiceField(
        label=_("I want to"),
        choices=[(User.Role.CUSTOMER, _("find help")), (User.Role.PROVIDER, _("offer help"))],
    )
    # Shown only when the tenant's eligibility rule asks for invitation codes.
    invitation_code = forms.CharField(label=_("Invitation code"), max_length=64, required=False)

    def __init__(self, *args, asks_for_code: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not asks_for_code:
            del self.fields["invitation_code"]


class _ThrottledSignin:
    """Django's sign-in form clean(), through the sign-in policy (quartier.accounts.signin)."""

    channel = SigninFailure.Channel.PAGE
    retry_after: int | None = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Django labels it with the model field's untranslated name ("Email").
        self.fields["username"].label = _("Email")

    def clean(self):
        email = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if email is not None and password:
            try:
                self.user_cache = signin_attempt(
                    request=self.request, email=email, password=password, channel=self.channel
                )
            except SigninLocked as locked:
                self.retry_after = locked.retry_after
                raise ValidationError(locked.message, code=locked.code) from locked
            if self.user_cache is None:
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


class SigninForm(_ThrottledSignin, AuthenticationForm):
    """The marketplace's sign-in page."""


class OperatorSigninForm(_ThrottledSignin, AdminAuthenticationForm):
    """The operator admin's sign-in (which the operator console sends staff to)."""

    channel = SigninFailure.Channel.ADMIN
