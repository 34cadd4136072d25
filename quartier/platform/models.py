"""Models of the platform app (public schema only)."""

from django.db import models


class DeadLetter(models.Model):
    """A background task that failed for good: kept for an operator to inspect and retry.

    Written by the task base class (quartier.platform.tasks_base) when a task's retries
    are exhausted or it failed with an error that retrying cannot fix; never deleted
    automatically, so no failed work disappears silently.
    """

    task_name = models.CharField(max_length=200)
    task_id = models.CharField(max_length=64, blank=True)
    # The schema the task was queued from: "public" or a tenant's schema.
    schema_name = models.CharField(max_length=63)
    args = models.JSONField(default=list)
    kwargs = models.JSONField(default=dict)
    exception_type = models.CharField(max_length=200)
    exception_message = models.TextField(blank=True)
    traceback = models.TextField(blank=True)
    attempts = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    # Set when an operator re-queued the task; a retry that fails again adds a new row.
    retried_at = models.DateTimeField(null=True, blank=True)
    retry_task_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["retried_at", "created_at"])]

    def __str__(self) -> str:
        return f"{self.task_name} in {self.schema_name} ({self.exception_type})"

    @property
    def is_retried(self) -> bool:
        return self.retried_at is not None
