"""Serializers shared by every app's API."""

import copy

from rest_framework import serializers


class ReasonSerializer(serializers.Serializer):
    """A required reason for a moderation decision (shown to the people it affects)."""

    reason = serializers.CharField(max_length=500)


class PrebuiltFieldsMixin:
    """For a ModelSerializer whose fields depend on nothing but its class (no context,
    no instance): the fields are built once per class — model introspection is most of
    a small serializer's cost — and each instance gets its own copy of them."""

    def get_fields(self):
        cls = type(self)
        prototype = cls.__dict__.get("_prebuilt_fields")
        if prototype is None:
            prototype = super().get_fields()
            cls._prebuilt_fields = prototype
        return copy.deepcopy(prototype)
