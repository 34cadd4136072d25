"""Serializers shared by every app's API."""

from rest_framework import serializers


class ReasonSerializer(serializers.Serializer):
    """A required reason for a moderation decision (shown to the people it affects)."""

    reason = serializers.CharField(max_length=500)
