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
