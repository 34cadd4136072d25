"""Operator API: the dead letters of background tasks, listed and queued again."""

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from quartier.platform.api.permissions import IsOperatorStaff
from quartier.platform.api.query import QueryParameters
from quartier.platform.models import DeadLetter
from quartier.tenants.dead_letters import dead_letter_retry
from quartier.tenants.selectors import dead_letter_get, dead_letter_list


class DeadLetterSerializer(serializers.ModelSerializer):
    is_retried = serializers.BooleanField(read_only=True)

    class Meta:
        model = DeadLetter
        fields = [
            "id",
            "task_name",
            "task_id",
            "schema_name",
            "args",
            "kwargs",
            "exception_type",
            "exception_message",
            "traceback",
            "attempts",
            "created_at",
            "is_retried",
            "retried_at",
            "retry_task_id",
        ]
        read_only_fields = fields


class DeadLetterQuerySerializer(serializers.Serializer):
    is_retried = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Only retried (true) or only open (false) ones.",
        error_messages={"invalid": gettext_lazy("Use true or false.")},
    )


class DeadLetterListView(QueryParameters, ListAPIView):
    permission_classes = [IsOperatorStaff]
    serializer_class = DeadLetterSerializer
    filter_backends: list = []
    query_serializer_class = DeadLetterQuerySerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return dead_letter_list()
        is_retried = self.query.get("is_retried")
        return dead_letter_list() if is_retried is None else dead_letter_list(is_retried=is_retried)


class DeadLetterDetailView(APIView):
    permission_classes = [IsOperatorStaff]

    @extend_schema(responses=DeadLetterSerializer)
    def get(self, request, pk):
        return Response(DeadLetterSerializer(dead_letter_get(pk=pk)).data)


class DeadLetterRetryView(APIView):
    permission_classes = [IsOperatorStaff]

    @extend_schema(request=None, responses={202: DeadLetterSerializer})
    def post(self, request, pk):
        dead_letter = dead_letter_retry(dead_letter=dead_letter_get(pk=pk))
        return Response(DeadLetterSerializer(dead_letter).data, status=202)
