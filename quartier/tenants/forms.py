from django import forms
from django.utils.translation import gettext_lazy as _

from quartier.tenants.models import Plan


class TenantProvisionForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    slug = forms.CharField(
        label=_("Slug"), max_length=40, help_text=_("Becomes the subdomain slug.platform-domain.")
    )
    admin_email = forms.EmailField(label=_("Admin email"))
    admin_password = forms.CharField(
        label=_("Admin password"),
        widget=forms.PasswordInput,
        required=False,
        help_text=_("Leave empty to get a one-time activation link for the admin instead."),
    )
    plan = forms.ModelChoiceField(
        label=_("Plan"), queryset=Plan.objects.filter(is_active=True), to_field_name="code"
    )
    custom_domains = forms.CharField(
        label=_("Custom domains"), required=False, help_text=_("Comma-separated host names.")
    )
    language = forms.ChoiceField(
        label=_("Default language"),
        choices=[("de", "Deutsch"), ("fr", "Français"), ("it", "Italiano"), ("en", "English")],
    )
    currency = forms.ChoiceField(label=_("Currency"), choices=[("CHF", "CHF"), ("EUR", "EUR")])

    def clean_custom_domains(self) -> list[str]:
        raw = self.cleaned_data.get("custom_domains") or ""
        return [domain.strip() for domain in raw.split(",") if domain.strip()]

    def provision(self):
        """Provision from the valid form; a refusal becomes form errors and None."""
        from quartier.platform.errors import ApplicationError
        from quartier.platform.forms import add_application_error
        from quartier.tenants.services import tenant_provision

        data = self.cleaned_data
        try:
            return tenant_provision(
                name=data["name"],
                slug=data["slug"],
                admin_email=data["admin_email"],
                admin_password=data["admin_password"] or None,
                plan_code=data["plan"].code,
                custom_domains=data["custom_domains"],
                language=data["language"],
                currency=data["currency"],
            )
        except ApplicationError as error:
            # The service names the list "domains"; the form's field is custom_domains.
            if "domains" in error.fields:
                error.fields["custom_domains"] = error.fields.pop("domains")
            add_application_error(self, error)
            return None


def activation_message(provisioned) -> str:
    from django.utils.translation import gettext

    message = gettext("Provisioned %(name)s.") % {"name": provisioned.tenant.name}
    if provisioned.activation_url:
        message += " " + gettext("Send the admin this activation link: %(url)s") % {
            "url": provisioned.activation_url
        }
    return message
