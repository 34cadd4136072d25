"""Strict input for the API: integer and id fields, and the query parameters of a view.

The fields parse with quartier.platform.params (ASCII digits only, bounded), so "²",
"١٢", "1.5", "1e3" and true are refused where DRF would truncate 1.5 to an id of 1 or
read "١٢" as 12. A view lists the query parameters it accepts once, in
`query_serializer_class`; its filterset and paginator add theirs; anything else is a 400
naming the parameter, and the same serializer is what the OpenAPI schema documents.
"""

import re
from datetime import UTC, timedelta

import django_filters
from django import forms
from django.utils.translation import gettext
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.utils import extend_schema
from rest_framework import serializers

from quartier.platform.errors import ApplicationError
from quartier.platform.forms import IntegerField as IntegerFormField
from quartier.platform.params import MAX_ID, integer_or_none

UNKNOWN_PARAMETER = "unknown_parameter"
# DRF reads ?format= to choose a renderer.
ALWAYS_ALLOWED = frozenset({"format"})


class IntegerField(serializers.IntegerField):
    """An integer given as a JSON integer or ASCII digits; nothing else is rounded into one."""

    def to_internal_value(self, data):
        number = integer_or_none(data)
        if number is None:
            self.fail("invalid")
        return number


# A plain decimal number: ASCII digits, an optional sign and fraction, no exponent.
_DECIMAL_TEXT = re.compile(r"[-+]?[0-9]{1,12}(?:\.[0-9]{1,12})?")


class _PlainDecimalText:
    def to_internal_value(self, data):
        if isinstance(data, bool) or (
            isinstance(data, str) and not _DECIMAL_TEXT.fullmatch(data.strip())
        ):
            self.fail("invalid")
        return super().to_internal_value(data)


class FloatField(_PlainDecimalText, serializers.FloatField):
    pass


class DecimalField(_PlainDecimalText, serializers.DecimalField):
    pass


class DecimalFieldSchema(OpenApiSerializerFieldExtension):
    """drf-spectacular documents a decimal's pattern with \\d, which also matches "٣"; a
    client (or a fuzzer) following the schema must send what the field accepts."""

    target_class = DecimalField

    def map_serializer_field(self, auto_schema, direction):
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        if "pattern" in schema:
            schema["pattern"] = schema["pattern"].replace("\\d", "[0-9]")
        return schema


class IdField(IntegerField):
    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)


class PrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """DRF's, but the id must be an integer: 1.5 is refused, not truncated to object 1."""

    def __init__(self, **kwargs):
        kwargs.setdefault("pk_field", IdField())
        super().__init__(**kwargs)


class IdFilter(django_filters.NumberFilter):
    field_class = IntegerFormField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


# PostgreSQL refuses a UTC offset of 16 hours or more ("time zone displacement out of
# range"), and the year-1 and year-9999 edges overflow Python's datetime in UTC.
_MAX_UTC_OFFSET = timedelta(hours=15, minutes=59)


class IsoDateTimeField(django_filters.fields.IsoDateTimeField):
    """An ISO 8601 date-time the database can compare: a refused offset is a 400."""

    def to_python(self, value):
        parsed = super().to_python(value)
        if parsed is None:
            return None
        offset = parsed.utcoffset()
        try:
            if offset is not None and abs(offset) > _MAX_UTC_OFFSET:
                raise ValueError(value)
            parsed.astimezone(UTC)
        except (OverflowError, ValueError) as error:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from error
        return parsed


class IsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = IsoDateTimeField


class ModelIdChoiceField(forms.ModelChoiceField):
    """Django's ModelChoiceField, with the id read as strictly as IntegerFormField."""

    def to_python(self, value):
        if value not in self.empty_values and integer_or_none(value) is None:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return super().to_python(value)


class ModelIdChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = ModelIdChoiceField


class QueryParameters:
    """Mixin for API views (before APIView in the bases): strict query parameters.

    `query_serializer_class` declares the view's own parameters; they are validated
    after authentication and permissions, and the result is `self.query`.
    """

    query_serializer_class: type[serializers.Serializer] | None = None
    query: dict

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        declared = cls.__dict__.get("query_serializer_class")
        if declared is not None:
            # The declaration is the documentation: the schema lists exactly these.
            extend_schema(parameters=[declared], methods=["GET"])(cls)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.query = {}
        if request.method not in ("GET", "HEAD"):
            return
        unknown = sorted(set(request.query_params) - self.allowed_query_parameters())
        if unknown:
            refusal = gettext("This parameter is not accepted here.")
            raise ApplicationError(
                UNKNOWN_PARAMETER,
                gettext("Unknown query parameter %(name)s.") % {"name": unknown[0]},
                fields={name: [refusal] for name in unknown},
            )
        if self.query_serializer_class is not None:
            serializer = self.query_serializer_class(data=request.query_params)
            serializer.is_valid(raise_exception=True)
            self.query = serializer.validated_data

    def allowed_query_parameters(self) -> set[str]:
        names = set(ALWAYS_ALLOWED)
        if self.query_serializer_class is not None:
            names |= set(self.query_serializer_class().fields)
        filterset = getattr(self, "filterset_class", None)
        if filterset is not None:
            names |= set(filterset.base_filters)
        paginator = getattr(self, "paginator", None)
        if paginator is not None:
            names |= {
                name
                for name in (
                    getattr(paginator, "cursor_query_param", None),
                    getattr(paginator, "page_size_query_param", None),
                )
                if name
            }
        return names
