from django import forms
from django.utils.translation import gettext_lazy as _

from quartier.accounts.models import User


class SignupForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    email = forms.EmailField(label=_("Email"), max_length=254)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, max_length=128)
    role = forms.ChoiceField(
        label=_("I want to"),
        choices=[(User.Role.CUSTOMER, _("find help")), (User.Role.PROVIDER, _("offer help"))],
    )
