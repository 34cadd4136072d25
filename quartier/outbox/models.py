from django.db import models
from django.utils import timezone


class OutboxMessage(models.Model):
    """One side effect to deliver after the transaction that wrote it committed."""

    class Status(models.TextChoices):
        PENDING = "pending"  # due at next_attempt_at (also while a dispatcher holds it)
        SENT = "sent"
        DEAD = "dead"  # every attempt failed: a dead letter was written

    kind = models.CharField(max_length=100)
    payload = models.JSONField(default=dict)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    # A dispatcher that claims a row moves this forward by a lease: if it dies while
    # delivering, the row becomes due again when the lease ends.
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.TextField(blank=True)
    # The same side effect written twice (a retried service, a replayed webhook) is
    # delivered once.
    dedupe_key = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status="pending"),
                name="outbox_due_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.status})"
