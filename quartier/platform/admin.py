"""The operator admin: dead letters of background tasks, with a retry action."""

from django.contrib import admin, messages

from quartier.platform.errors import ApplicationError
from quartier.platform.models import DeadLetter
from quartier.platform.services import dead_letter_retry


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
