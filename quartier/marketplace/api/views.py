"""The marketplace's languages (tenant admins change them; anyone may read them)."""

from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from quartier.marketplace import services
from quartier.marketplace.api.serializers import LanguagesSerializer
from quartier.marketplace.selectors import marketplace_languages
from quartier.platform.api.permissions import IsTenantAdmin


def _body() -> dict:
    languages = marketplace_languages()
    return {"default_language": languages.default, "enabled_languages": list(languages.enabled)}


class LanguagesView(APIView):
    def get_permissions(self):
        return [AllowAny()] if self.request.method == "GET" else [IsTenantAdmin()]

    @extend_schema(responses=LanguagesSerializer)
    def get(self, request):
        return Response(_body())

    @extend_schema(
        request=LanguagesSerializer,
        responses=LanguagesSerializer,
        description="Choose the default language and the languages visitors may switch to; "
        "the default must be one of them.",
    )
    def put(self, request):
        serializer = LanguagesSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.marketplace_languages_set(actor=request.user, **serializer.validated_data)
        return Response(_body())
