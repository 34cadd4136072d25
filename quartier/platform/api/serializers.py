"""Serializers shared by every app's API."""

from rest_framework import serializers


class ReasonSerializer(serializers.Serializer):
    """A required reason for a moderation decision (shown to the people it affects)."""

    reason = serializers.CharField(max_length=500)


class ErrorSerializer(serializers.Serializer):
    """The one error body of the API (quartier.platform.api.exceptions)."""

    code = serializers.CharField()
    message = serializers.CharField()
    fields = serializers.DictField(child=serializers.ListField())
