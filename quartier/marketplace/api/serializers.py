from rest_framework import serializers

from quartier.platform.languages import Language


class LanguagesSerializer(serializers.Serializer):
    default_language = serializers.ChoiceField(choices=Language.choices)
    enabled_languages = serializers.ListField(
        child=serializers.ChoiceField(choices=Language.choices), allow_empty=False
    )
