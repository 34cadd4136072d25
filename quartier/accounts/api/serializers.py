from rest_framework import serializers

from quartier.accounts.models import User
from quartier.platform.languages import Language


class TokenRequestSerializer(serializers.Serializer):
    email = serializers.CharField(max_length=254)
    password = serializers.CharField(max_length=128, trim_whitespace=False)
    # The authenticator app's code (or a recovery code), for accounts with two-step sign-in.
    code = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")


class SignupSerializer(serializers.Serializer):
    email = serializers.CharField(max_length=254)
    password = serializers.CharField(max_length=128, trim_whitespace=False, write_only=True)
    full_name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    role = serializers.ChoiceField(
        choices=[User.Role.CUSTOMER, User.Role.PROVIDER], default=User.Role.CUSTOMER
    )
    preferred_language = serializers.ChoiceField(
        choices=["de", "fr", "it", "en"], required=False, default=""
    )
    # Needed when the tenant admits by invitation code (see marketplace.eligibility).
    invitation_code = serializers.CharField(
        max_length=64, required=False, allow_blank=True, default=""
    )


class UserSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = [
            "id",
            "email",
            "full_name",
            "role",
            "preferred_language",
            "phone",
            "email_verified_at",
            "phone_verified_at",
            "date_joined",
        ]
        read_only_fields = [
            "id",
            "email",
            "role",
            "email_verified_at",
            "phone_verified_at",
            "date_joined",
        ]


class UserUpdateSerializer(serializers.Serializer):
    full_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    preferred_language = serializers.ChoiceField(choices=Language.choices, required=False)
    phone = serializers.RegexField(r"^\+?[0-9 ]{6,20}$", required=False, allow_blank=True)


class PhoneCodeSerializer(serializers.Serializer):
    code = serializers.RegexField(r"^[0-9]{6}$")  # not \d: it also matches "١٢٣٤٥٦"
