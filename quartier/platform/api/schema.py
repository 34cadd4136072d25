"""The OpenAPI description of our one error body {"code", "message", "fields"}."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


@extend_schema_field(
    {
        "type": "object",
        "additionalProperties": {
            "type": "array",
            "items": {
                "oneOf": [
                    {"type": "string"},
                    {
                        "type": "object",
                        "description": "The errors of one item of a list, by field.",
                    },
                ]
            },
        },
    }
)
class ErrorFieldsField(serializers.DictField):
    pass


class ErrorSerializer(serializers.Serializer):
    """The one error body of the API (see quartier.platform.api.exceptions)."""

    code = serializers.CharField(help_text="Stable machine-readable code, e.g. `slot_taken`.")
    message = serializers.CharField(help_text="Human-readable, in the request's language.")
    fields = ErrorFieldsField(help_text="The messages of each field at fault, by field name.")

    class Meta:
        ref_name = "Error"
