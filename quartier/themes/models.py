from django.conf import settings
from django.db import models


class Theme(models.Model):
    """One row per tenant schema: the brand being edited (draft) and the one shown.

    Both are complete, validated token sets (quartier.themes.tokens). Publishing copies
    the draft over the published snapshot and bumps `version`, which keys the cached
    stylesheet: a publish takes effect on the next request, on every process.
    """

    singleton = models.BooleanField(default=True, unique=True, editable=False)
    draft = models.JSONField(default=dict)
    published = models.JSONField(default=dict)
    # Files live in tenant-prefixed storage; a draft file becomes the published one by
    # name, so publishing copies no bytes.
    draft_logo = models.FileField(upload_to="themes/", blank=True, max_length=255)
    draft_favicon = models.FileField(upload_to="themes/", blank=True, max_length=255)
    published_logo = models.FileField(upload_to="themes/", blank=True, max_length=255)
    published_favicon = models.FileField(upload_to="themes/", blank=True, max_length=255)
    version = models.PositiveIntegerField(default=1)
    # Bumped by every draft change: previews of the draft are never served stale.
    draft_revision = models.PositiveIntegerField(default=1)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(singleton=True), name="theme_singleton"),
        ]

    def __str__(self) -> str:
        return f"Theme v{self.version}"

    @property
    def has_unpublished_changes(self) -> bool:
        return (
            self.draft != self.published
            or self.draft_logo.name != self.published_logo.name
            or self.draft_favicon.name != self.published_favicon.name
        )
