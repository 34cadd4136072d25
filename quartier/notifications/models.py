"""Stored notifications and each user's channel preferences (tenant schema)."""

from django.conf import settings
from django.db import models


class Notification(models.Model):
    """One thing a person should know or act on; the title comes from `kind` at display."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=40)
    params = models.JSONField(default=dict, blank=True)
    url = models.CharField(max_length=300, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The bell's count on every page: unread rows of one user.
            models.Index(
                fields=["recipient"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread_idx",
            ),
            models.Index(fields=["recipient", "-created_at"], name="notification_recent_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for user {self.recipient_id}"

    @property
    def title(self) -> str:
        from quartier.notifications.kinds import title_of

        return title_of(self.kind, self.params)

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationPreference(models.Model):
    """The user's choice for one kind and channel; no row means the tenant's default
    (NotificationDefault), else the built-in one (kinds.built_in_default)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=40)
    channel = models.CharField(max_length=20)
    is_enabled = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "channel"], name="notification_preference_unique"
            )
        ]

    def __str__(self) -> str:
        state = "on" if self.is_enabled else "off"
        return f"{self.kind}/{self.channel} {state} for user {self.user_id}"


class NotificationDefault(models.Model):
    """The tenant admin's default for one kind and channel, for users who never chose."""

    kind = models.CharField(max_length=40)
    channel = models.CharField(max_length=20)
    is_enabled = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "channel"], name="notification_default_unique")
        ]

    def __str__(self) -> str:
        return f"default {self.kind}/{self.channel} {'on' if self.is_enabled else 'off'}"


class QuietHours(models.Model):
    """A user's nightly quiet time, local time in the platform's zone (Europe/Zurich);
    `start` after `end` crosses midnight. Push and text messages wait for its end."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiet_hours"
    )
    start = models.TimeField()
    end = models.TimeField()

    class Meta:
        verbose_name_plural = "quiet hours"
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(start=models.F("end")), name="quiet_hours_not_empty"
            )
        ]

    def __str__(self) -> str:
        return f"quiet {self.start}-{self.end} for user {self.user_id}"


class PushSubscription(models.Model):
    """One browser's Web Push subscription (RFC 8030/8291): where to post, and the keys
    the browser decrypts with. A browser's endpoint is unique; a second sign-in on the
    same device takes the subscription over."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions"
    )
    endpoint = models.CharField(max_length=1000, unique=True)
    p256dh = models.CharField(max_length=120)
    auth = models.CharField(max_length=40)
    user_agent = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user"], name="push_subscription_user_idx")]

    def __str__(self) -> str:
        return f"push subscription {self.pk} of user {self.user_id}"
