from django import forms

from quartier.tenants.models import Plan


class TenantProvisionForm(forms.Form):
    name = forms.CharField(max_length=100)
    slug = forms.CharField(max_length=40, help_text="Becomes <slug>.<platform domain>.")
    admin_email = forms.EmailField()
    admin_password = forms.CharField(
        widget=forms.PasswordInput,
        required=False,
        help_text="Leave empty to get a one-time activation link for the admin instead.",
    )
    plan = forms.ModelChoiceField(
        queryset=Plan.objects.filter(is_active=True), to_field_name="code"
    )
    custom_domains = forms.CharField(required=False, help_text="Comma-separated host names.")
    language = forms.ChoiceField(
        choices=[("de", "Deutsch"), ("fr", "Français"), ("it", "Italiano"), ("en", "English")]
    )
    currency = forms.ChoiceField(choices=[("CHF", "CHF"), ("EUR", "EUR")])

    def clean_custom_domains(self) -> list[str]:
        raw = self.cleaned_data.get("custom_domains") or ""
        return [domain.strip() for domain in raw.split(",") if domain.strip()]
