"""The operator admin: tenants are provisioned and changed through the same services;
the dead letters of background tasks can be queued again."""

from django.contrib import admin, messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse

from quartier.accounts.forms import OperatorSigninForm
from quartier.platform.errors import ApplicationError
from quartier.platform.models import DeadLetter
from quartier.tenants import services
from quartier.tenants.dead_letters import dead_letter_retry
from quartier.tenants.forms import TenantProvisionForm, activation_message
from quartier.tenants.models import Domain, Plan, PoolSchema, Tenant

# The operator console sends staff to this sign-in: the same lockout as every other one.
admin.site.login_form = OperatorSigninForm


class DomainInline(admin.TabularInline):
    model = Domain
    extra = 0
    fields = ["domain", "is_primary", "is_custom", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _lifecycle_action(operation, label):
    def action(modeladmin, request, queryset):
        for tenant in queryset:
            try:
                getattr(services, f"tenant_{operation}")(tenant=tenant)
            except ApplicationError as error:
                modeladmin.message_user(request, f"{tenant}: {error.message}", messages.ERROR)
            else:
                modeladmin.message_user(request, f"{tenant}: {label.lower()} done.")

    action.__name__ = f"tenant_{operation}"
    action.short_description = label
    return action


@admin.register(Tenant)
class TenantAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "status", "plan", "created_at"]
    list_filter = ["status", "plan"]
    search_fields = ["name", "slug", "domains__domain"]
    readonly_fields = [
        "name",
        "slug",
        "schema_name",
        "status",
        "status_reason",
        "plan",
        "created_at",
        "status_changed_at",
    ]
    inlines = [DomainInline]
    actions = [
        _lifecycle_action("suspend", "Suspend"),
        _lifecycle_action("resume", "Resume"),
        _lifecycle_action("delete", "Delete (soft)"),
        _lifecycle_action("restore", "Restore"),
    ]

    def has_delete_permission(self, request, obj=None):
        # Purging drops a schema: only the explicit API/command does that.
        return False

    def add_view(self, request, form_url="", extra_context=None):
        form = TenantProvisionForm(request.POST or None)
        if request.method == "POST" and form.is_valid() and (provisioned := form.provision()):
            self.message_user(request, activation_message(provisioned))
            return redirect("admin:tenants_tenant_change", provisioned.tenant.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": "Provision a tenant",
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/tenants/provision.html", context)


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "monthly_fee_minor",
        "per_booking_fee_minor",
        "currency",
        "is_active",
    ]


@admin.register(PoolSchema)
class PoolSchemaAdmin(admin.ModelAdmin):
    list_display = ["schema_name", "fingerprint", "created_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.action(description="Queue again")
def retry_dead_letters(modeladmin, request, queryset):
    for dead_letter in queryset:
        try:
            dead_letter_retry(dead_letter=dead_letter)
        except ApplicationError as error:
            modeladmin.message_user(request, f"{dead_letter}: {error.message}", messages.ERROR)
        else:
            modeladmin.message_user(request, f"{dead_letter}: queued again.")


@admin.register(DeadLetter)
class DeadLetterAdmin(admin.ModelAdmin):
    list_display = [
        "task_name",
        "schema_name",
        "exception_type",
        "attempts",
        "created_at",
        "retried_at",
    ]
    list_filter = ["task_name", "schema_name", ("retried_at", admin.EmptyFieldListFilter)]
    search_fields = ["task_name", "schema_name", "exception_type", "exception_message"]
    date_hierarchy = "created_at"
    actions = [retry_dead_letters]
    readonly_fields = [field.name for field in DeadLetter._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
