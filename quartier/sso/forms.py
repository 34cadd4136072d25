from django import forms
from django.utils.translation import gettext_lazy as _

from quartier.sso.models import SsoConfiguration


class SsoConfigurationForm(forms.Form):
    mode = forms.ChoiceField(label=_("Sign-in"), choices=SsoConfiguration.Mode.choices)
    issuer_url = forms.CharField(
        label=_("Issuer URL"),
        max_length=300,
        required=False,
        help_text=_("Its discovery document is read from /.well-known/openid-configuration."),
    )
    client_id = forms.CharField(label=_("Client ID"), max_length=200, required=False)
    client_secret = forms.CharField(
        label=_("Client secret"),
        max_length=500,
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_("Stored encrypted and never shown again. Leave empty to keep it."),
    )
    scopes = forms.CharField(label=_("Scopes"), max_length=300, initial="openid email profile")
    brand_name = forms.CharField(
        label=_("Brand on the button"),
        max_length=60,
        required=False,
        help_text=_("The name in “Continue with … account”; empty for the marketplace’s name."),
    )
    claim_name = forms.CharField(label=_("Claim holding the name"), max_length=60)
    claim_email = forms.CharField(label=_("Claim holding the e-mail address"), max_length=60)
    claim_language = forms.CharField(
        label=_("Claim holding the language"), max_length=60, required=False
    )
    claim_customer_number = forms.CharField(
        label=_("Claim holding the customer number"), max_length=60, required=False
    )
    required_claim_name = forms.CharField(
        label=_("Required claim"),
        max_length=60,
        required=False,
        help_text=_("Only accounts whose claim has the value below may sign in."),
    )
    required_claim_value = forms.CharField(
        label=_("Required value"), max_length=200, required=False
    )

    @classmethod
    def initial_from(cls, configuration: SsoConfiguration) -> dict:
        return {
            name: getattr(configuration, name)
            for name in cls.base_fields
            if name != "client_secret"
        }
