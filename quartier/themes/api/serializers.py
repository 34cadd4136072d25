"""Shapes of the theme API (documentation and types; the rules live in themes.tokens)."""

from rest_framework import serializers

from quartier.themes import tokens as t


class LanguageTextsField(serializers.DictField):
    def __init__(self, **kwargs):
        super().__init__(child=serializers.CharField(allow_blank=True, trim_whitespace=False))
        self.help_text = kwargs.get("help_text", "A text per language: de, fr, it, en.")


class FooterLinkSerializer(serializers.Serializer):
    url = serializers.CharField(help_text="A full https:// address.")
    labels = LanguageTextsField()


class TokensSerializer(serializers.Serializer):
    primary = serializers.CharField(help_text="#rrggbb; white text on it must reach 4.5:1.")
    secondary = serializers.CharField(help_text="#rrggbb; 3:1 against the background.")
    background = serializers.CharField(help_text="#rrggbb")
    text = serializers.CharField(help_text="#rrggbb; 4.5:1 against the background.")
    font = serializers.ChoiceField(choices=sorted(t.FONTS))
    radius = serializers.IntegerField(min_value=t.RADIUS_MIN, max_value=t.RADIUS_MAX)
    hero_title = LanguageTextsField()
    hero_text = LanguageTextsField()
    imprint = LanguageTextsField()
    privacy = LanguageTextsField()
    footer_links = FooterLinkSerializer(many=True)


class ThemeSerializer(serializers.Serializer):
    version = serializers.IntegerField(help_text="The published version visitors see.")
    draft_revision = serializers.IntegerField()
    published_at = serializers.DateTimeField(allow_null=True)
    updated_at = serializers.DateTimeField(allow_null=True)
    has_unpublished_changes = serializers.BooleanField()
    draft = TokensSerializer()
    published = TokensSerializer()
    draft_logo_url = serializers.SerializerMethodField()
    draft_favicon_url = serializers.SerializerMethodField()
    logo_url = serializers.SerializerMethodField()
    favicon_url = serializers.SerializerMethodField()

    def _url(self, theme, field: str, route: str, preview: bool) -> str | None:
        if not getattr(theme, field).name:
            return None
        if preview:
            return f"/theme/{route}/?preview=1&r={theme.draft_revision}"
        return f"/theme/{route}/?v={theme.version}"

    def get_draft_logo_url(self, theme) -> str | None:
        return self._url(theme, "draft_logo", "logo", True)

    def get_draft_favicon_url(self, theme) -> str | None:
        return self._url(theme, "draft_favicon", "favicon", True)

    def get_logo_url(self, theme) -> str | None:
        return self._url(theme, "published_logo", "logo", False)

    def get_favicon_url(self, theme) -> str | None:
        return self._url(theme, "published_favicon", "favicon", False)


class AssetUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="PNG, JPEG or WebP; sniffed and re-encoded.")
