"""The Stripe webhook endpoint, on the platform's own domain (one for every tenant)."""

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from quartier.billing.services.webhooks import webhook_receive


class StripeWebhookView(APIView):
    # Stripe authenticates by signature, not by session or token (and sends no CSRF token).
    authentication_classes: list = []
    permission_classes: list = []

    @extend_schema(request=None, responses={200: dict})
    def post(self, request):
        outcome = webhook_receive(
            payload=request.body, signature=request.META.get("HTTP_STRIPE_SIGNATURE", "")
        )
        return Response({"status": outcome})
