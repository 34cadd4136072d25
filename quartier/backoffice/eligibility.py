"""Who may book and who may offer help: the tenant's rule per role, its invitation codes
and its allow-list of e-mails (the rule itself: quartier/marketplace/eligibility.py)."""

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from quartier.backoffice.views import _page, admin_page
from quartier.marketplace import eligibility
from quartier.marketplace.models import (
    AllowedEmail,
    EligibilityKind,
    EligibilityRole,
    InvitationCode,
)
from quartier.platform.forms import form_apply

ROLE_LABELS = {
    EligibilityRole.BOOK: gettext_lazy("Who may book"),
    EligibilityRole.OFFER: gettext_lazy("Who may offer help"),
}
KIND_CHOICES = [
    (EligibilityKind.ANYONE, gettext_lazy("Anyone")),
    (EligibilityKind.SSO, gettext_lazy("Only people signed in with the company account (SSO)")),
    (EligibilityKind.DOMAINS, gettext_lazy("Only e-mail addresses of these domains")),
    (EligibilityKind.CODES, gettext_lazy("Only people with an invitation code")),
    (EligibilityKind.ALLOWLIST, gettext_lazy("Only e-mail addresses on the uploaded list")),
]
ROLE_CHOICES = list(ROLE_LABELS.items())


class RuleForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Rule"), choices=KIND_CHOICES)
    claim_name = forms.CharField(
        label=gettext_lazy("SSO claim (optional)"),
        max_length=100,
        required=False,
        help_text=gettext_lazy("For example customer_type. Leave empty for any SSO user."),
    )
    claim_value = forms.CharField(
        label=gettext_lazy("Required claim value"), max_length=200, required=False
    )
    domains = forms.CharField(
        label=gettext_lazy("E-mail domains"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Separated by commas or new lines, e.g. telco.ch."),
    )
    include_subdomains = forms.BooleanField(
        label=gettext_lazy("Also accept subdomains (e.g. shop.telco.ch)"), required=False
    )


class CodeForm(forms.Form):
    role = forms.ChoiceField(label=gettext_lazy("For"), choices=ROLE_CHOICES)
    label = forms.CharField(
        label=gettext_lazy("Note (who it is for)"), max_length=100, required=False
    )
    code = forms.CharField(
        label=gettext_lazy("Code (optional)"),
        max_length=64,
        required=False,
        help_text=gettext_lazy("Leave empty for a random code."),
    )
    max_uses = forms.IntegerField(
        label=gettext_lazy("Maximum uses (optional)"),
        min_value=1,
        max_value=1_000_000,
        required=False,
    )
    expires_at = forms.DateTimeField(
        label=gettext_lazy("Valid until (optional)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )


class AllowListForm(forms.Form):
    role = forms.ChoiceField(label=gettext_lazy("For"), choices=ROLE_CHOICES)
    file = forms.FileField(
        label=gettext_lazy("CSV file"),
        help_text=gettext_lazy(
            "One e-mail address per row in the first column, UTF-8, at most 1 MB. "
            "It replaces the list."
        ),
    )


def _rule_form(role, data=None):
    rule = eligibility.rule_for(role)
    initial = {
        "kind": rule.kind,
        "claim_name": rule.claim_name,
        "claim_value": rule.claim_value,
        "domains": ", ".join(rule.domains),
        "include_subdomains": rule.include_subdomains,
    }
    return RuleForm(data, initial=initial, prefix=role)


def _render(
    request, *, rule_forms=None, code_form=None, list_form=None, list_errors=(), status=200
):
    rule_forms = rule_forms or {}
    sections = [
        {
            "role": role,
            "label": label,
            "form": rule_forms.get(role) or _rule_form(role),
            "allowed": AllowedEmail.objects.filter(role=role).count(),
        }
        for role, label in ROLE_LABELS.items()
    ]
    response = _page(
        request,
        "backoffice/eligibility.html",
        {
            "sections": sections,
            "code_form": code_form or CodeForm(prefix="code"),
            "list_form": list_form or AllowListForm(prefix="list"),
            "list_errors": list_errors,
            "codes": InvitationCode.objects.order_by("-created_at", "-id")[:200],
            "role_labels": ROLE_LABELS,
        },
    )
    response.status_code = status
    return response


@admin_page
def policy(request):
    return _render(request)


@admin_page
@require_POST
def rule_save(request, role):
    if role not in EligibilityRole.values:
        return redirect("backoffice:eligibility")
    form = _rule_form(role, request.POST)
    status = form_apply(form, lambda data: eligibility.rule_set(role=role, **data))
    if status == 200:
        messages.success(request, _("The rule is saved. It applies from the next attempt on."))
        return redirect("backoffice:eligibility")
    return _render(request, rule_forms={role: form}, status=status)


@admin_page
@require_POST
def code_create(request):
    form = CodeForm(request.POST, prefix="code")
    created = []
    status = form_apply(
        form,
        lambda data: created.append(eligibility.invitation_create(actor=request.user, **data)),
    )
    if status == 200:
        messages.success(
            request, _("Invitation code %(code)s is created.") % {"code": created[0].code}
        )
        return redirect("backoffice:eligibility")
    return _render(request, code_form=form, status=status)


@admin_page
@require_POST
def code_revoke(request, pk):
    invitation = get_object_or_404(InvitationCode, pk=pk)
    eligibility.invitation_revoke(invitation=invitation)
    messages.success(request, _("Invitation code %(code)s is revoked.") % {"code": invitation.code})
    return redirect("backoffice:eligibility")


@admin_page
@require_POST
def allowlist_upload(request):
    form = AllowListForm(request.POST, request.FILES, prefix="list")
    if not form.is_valid():
        return _render(request, list_form=form, status=400)
    # Read one byte past the limit at most: a huge file is refused without reading it all.
    data = form.cleaned_data["file"].read(eligibility.CSV_MAX_BYTES + 1)
    result = eligibility.allowlist_replace(role=form.cleaned_data["role"], data=data)
    if result.errors:
        return _render(request, list_form=form, list_errors=result.errors, status=400)
    messages.success(
        request,
        ngettext(
            "The list is replaced: %(count)s address.",
            "The list is replaced: %(count)s addresses.",
            result.count,
        )
        % {"count": result.count},
    )
    return redirect("backoffice:eligibility")
