"""The theme API (tenant admins only): the draft, its files, publishing."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from quartier.platform.api.parsers import FormParser, JSONParser, MultiPartParser
from quartier.platform.api.permissions import IsTenantAdmin
from quartier.platform.errors import ApplicationError
from quartier.themes import services
from quartier.themes.api import serializers as s
from quartier.themes.selectors import theme_get


def _body(theme) -> dict:
    return s.ThemeSerializer(theme).data


class ThemeView(APIView):
    permission_classes = [IsTenantAdmin]
    parser_classes = [JSONParser]

    @extend_schema(responses=s.ThemeSerializer)
    def get(self, request):
        return Response(_body(theme_get()))

    @extend_schema(
        request=s.TokensSerializer(partial=True),
        responses=s.ThemeSerializer,
        description="Change the draft. Each field given replaces the draft's value as a "
        "whole (a per-language object replaces every language); the result is validated "
        "as one theme, contrast included.",
    )
    def patch(self, request):
        # Values are checked by the domain rules (themes.tokens), which name the field
        # and, for contrast, the pair and the measured ratio.
        if not isinstance(request.data, dict):
            raise ApplicationError.invalid_field(
                "non_field_errors", _("Give a JSON object of theme fields.")
            )
        theme = services.theme_draft_update(actor=request.user, changes=dict(request.data))
        return Response(_body(theme))


class ThemePublishView(APIView):
    permission_classes = [IsTenantAdmin]

    @extend_schema(request=None, responses=s.ThemeSerializer)
    def post(self, request):
        return Response(_body(services.theme_publish(actor=request.user)))


class ThemeAssetView(APIView):
    permission_classes = [IsTenantAdmin]
    parser_classes = [MultiPartParser, FormParser]
    asset = "logo"

    @extend_schema(
        request={"multipart/form-data": s.AssetUploadSerializer}, responses=s.ThemeSerializer
    )
    def post(self, request):
        upload = request.FILES.get("file")
        if upload is None:
            raise ApplicationError.invalid_field("file", _("Attach the image as `file`."))
        theme = services.theme_asset_set(
            actor=request.user, asset=self.asset, upload=upload, field="file"
        )
        return Response(_body(theme))

    # The theme without the asset comes back (spectacular assumes a DELETE answers 204).
    @extend_schema(responses={200: s.ThemeSerializer})
    def delete(self, request):
        return Response(_body(services.theme_asset_remove(actor=request.user, asset=self.asset)))
