"""Operator API: the dead letters of background tasks, listed and queued again."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from quartier.platform.api.permissions import IsOperatorStaff
from quartier.platform.errors import ApplicationError
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


_BOOLEAN = {"true": True, "1": True, "false": False, "0": False}


@extend_schema(
    parameters=[
        OpenApiParameter(
            "is_retried", bool, description="Only retried (true) or only open (false) ones."
        )
    ]
)
class DeadLetterListView(ListAPIView):
    permission_classes = [IsOperatorStaff]
    serializer_class = DeadLetterSerializer
    filter_backends: list = []

    def get_queryset(self):
        raw = self.request.query_params.get("is_retried")
        if raw is None or raw == "":
            return dead_letter_list()
        if raw.lower() not in _BOOLEAN:
            raise ApplicationError.invalid_field("is_retried", _("Use true or false."))
        return dead_letter_list(is_retried=_BOOLEAN[raw.lower()])


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
