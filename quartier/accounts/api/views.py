"""Sign-up, token login/logout and the current user; on every tenant and on the platform."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import NotAuthenticated
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from quartier.accounts import mfa, services
from quartier.accounts.api.serializers import (
    PhoneCodeSerializer,
    SignupSerializer,
    TokenRequestSerializer,
    UserSerializer,
    UserUpdateSerializer,
)
from quartier.accounts.errors import INVALID_CREDENTIALS, MFA_REQUIRED
from quartier.accounts.models import SigninFailure
from quartier.accounts.signin import SigninLocked, signin_attempt
from quartier.platform.errors import ApplicationError


class TokenView(APIView):
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"

    @extend_schema(request=TokenRequestSerializer, responses={200: dict})
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        code = serializer.validated_data.pop("code")
        try:
            user = signin_attempt(
                request=request, channel=SigninFailure.Channel.API, **serializer.validated_data
            )
            # A password alone does not give a token to an account with two-step sign-in.
            if user is not None and mfa.has_second_factor(user):
                if not code:
                    message = _(
                        "This account uses two-step sign-in: send the code from the "
                        'authenticator app, or a recovery code, as "code".'
                    )
                    raise ApplicationError(
                        MFA_REQUIRED, message, status=401, fields={"code": [message]}
                    )
                mfa.second_step_verify(request, user, code=code)
        except SigninLocked as locked:
            return Response(
                locked.as_dict(),
                status=locked.status,
                headers={"Retry-After": str(locked.retry_after)},
            )
        if user is None:
            raise ApplicationError(INVALID_CREDENTIALS, _("Wrong email or password."), status=401)
        return Response(
            {"token": services.token_issue(user=user), "user": UserSerializer(user).data}
        )

    @extend_schema(request=None, responses={204: None})
    def delete(self, request):
        if not request.user.is_authenticated:
            # Raised, not returned, so the 401 carries the error body like every other.
            raise NotAuthenticated()
        services.token_revoke(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class SignupView(APIView):
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "signup"

    @extend_schema(request=SignupSerializer, responses={201: UserSerializer})
    def post(self, request):
        if request.tenant is None:
            raise ApplicationError(
                "signup_closed", _("Operator accounts are created by staff."), status=403
            )
        serializer = SignupSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.user_signup(**serializer.validated_data)
        return Response(
            {"user": UserSerializer(user).data, "token": services.token_issue(user=user)},
            status=status.HTTP_201_CREATED,
        )


class MeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=UserSerializer)
    def get(self, request):
        return Response(UserSerializer(request.user).data)

    @extend_schema(request=UserUpdateSerializer, responses=UserSerializer)
    def patch(self, request):
        serializer = UserUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        user = services.user_update_profile(user=request.user, **serializer.validated_data)
        return Response(UserSerializer(user).data)


class EmailVerificationView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={202: dict})
    def post(self, request):
        services.email_verification_send(
            user=request.user, base_url=request.build_absolute_uri("/")
        )
        return Response({"sent_to": request.user.email}, status=status.HTTP_202_ACCEPTED)


class PhoneVerificationView(APIView):
    permission_classes = [IsAuthenticated]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"

    @extend_schema(request=None, responses={202: dict})
    def post(self, request):
        services.phone_verification_send(user=request.user)
        return Response({"sent_to": request.user.phone}, status=status.HTTP_202_ACCEPTED)


class PhoneConfirmView(APIView):
    permission_classes = [IsAuthenticated]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"

    @extend_schema(request=PhoneCodeSerializer, responses=UserSerializer)
    def post(self, request):
        serializer = PhoneCodeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.phone_verify(user=request.user, code=serializer.validated_data["code"])
        return Response(UserSerializer(user).data)
