"""The trust API: vetting rules and quizzes, applications, documents, badges, audit."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.generics import ListAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from quartier.marketplace.models import AuditEntry
from quartier.platform.api.parsers import FormParser, MultiPartParser
from quartier.platform.api.permissions import IsTenantAdmin
from quartier.platform.api.query import QueryParameters
from quartier.platform.api.serializers import ReasonSerializer
from quartier.platform.errors import NotFound
from quartier.providers.selectors import provider_profile_get
from quartier.providers.services import provider_profile_require
from quartier.trust import selectors
from quartier.trust.api import serializers as s
from quartier.trust.api.filters import ApplicationFilter, AuditFilter
from quartier.trust.documents import document_link
from quartier.trust.models import Application
from quartier.trust.services import badges, vetting


class RuleListView(QueryParameters, APIView):
    def get_permissions(self):
        return [IsAuthenticated()] if self.request.method == "GET" else [IsTenantAdmin()]

    @extend_schema(responses=s.RequirementSerializer(many=True))
    def get(self, request):
        admin = request.user.is_tenant_admin
        return Response(
            s.RequirementSerializer(selectors.requirements(include_inactive=admin), many=True).data
        )

    @extend_schema(request=s.RequirementWriteSerializer, responses={201: s.RequirementSerializer})
    def post(self, request):
        serializer = s.RequirementWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        requirement = vetting.requirement_create(actor=request.user, **serializer.validated_data)
        return Response(s.RequirementSerializer(requirement).data, status=status.HTTP_201_CREATED)


class RuleDetailView(APIView):
    permission_classes = [IsTenantAdmin]

    @extend_schema(request=s.RequirementWriteSerializer, responses=s.RequirementSerializer)
    def patch(self, request, pk):
        requirement = selectors.requirement_get(requirement_id=pk)
        serializer = s.RequirementWriteSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        changes = {k: v for k, v in serializer.validated_data.items() if k != "kind"}
        requirement = vetting.requirement_update(
            actor=request.user, requirement=requirement, **changes
        )
        return Response(s.RequirementSerializer(requirement).data)

    @extend_schema(responses={204: None})
    def delete(self, request, pk):
        vetting.requirement_delete(
            actor=request.user, requirement=selectors.requirement_get(requirement_id=pk)
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class RuleQuizView(APIView):
    permission_classes = [IsTenantAdmin]

    @extend_schema(request=s.QuizWriteSerializer, responses=s.RequirementSerializer)
    def put(self, request, pk):
        requirement = selectors.requirement_get(requirement_id=pk)
        quiz = getattr(requirement, "quiz", None)
        if quiz is None:
            raise NotFound(_("This requirement has no quiz."))
        serializer = s.QuizWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        vetting.quiz_set(actor=request.user, quiz=quiz, **serializer.validated_data)
        return Response(s.RequirementSerializer(requirement).data)


def _application_body(application: Application) -> dict:
    return {
        **s.ApplicationSerializer(application).data,
        "steps": [
            s.StepSerializer(state).data for state in vetting.application_states(application)
        ],
    }


class MyApplicationView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: dict})
    def get(self, request):
        provider = provider_profile_require(request.user)
        return Response(_application_body(vetting.application_for(provider)))


class MyApplicationSubmitView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: dict})
    def post(self, request):
        application = vetting.application_submit(provider=provider_profile_require(request.user))
        return Response(_application_body(application))


class DocumentUploadView(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": s.DocumentUploadSerializer}, responses={201: dict}
    )
    def post(self, request, pk):
        provider = provider_profile_require(request.user)
        requirement = selectors.requirement_get(requirement_id=pk)
        serializer = s.DocumentUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        document = vetting.document_upload(
            provider=provider, requirement=requirement, upload=serializer.validated_data["file"]
        )
        return Response(
            {"id": document.pk, "content_type": document.content_type, "size": document.size},
            status=status.HTTP_201_CREATED,
        )


class DocumentLinkView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: dict})
    def get(self, request, pk):
        document = selectors.document_get_for_user(document_id=pk, user=request.user)
        return Response(document_link(document))


class QuizView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: dict})
    def get(self, request, pk):
        provider_profile_require(request.user)
        return Response(s.QuizSerializer(selectors.quiz_get(quiz_id=pk)).data)


class QuizAttemptView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=s.QuizAnswersSerializer, responses={201: dict})
    def post(self, request, pk):
        provider = provider_profile_require(request.user)
        quiz = selectors.quiz_get(quiz_id=pk)
        serializer = s.QuizAnswersSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        attempt = vetting.quiz_attempt(
            provider=provider, quiz=quiz, answers=serializer.validated_data["answers"]
        )
        return Response(
            {"score_percent": attempt.score_percent, "passed": attempt.passed},
            status=status.HTTP_201_CREATED,
        )


class ApplicationListView(QueryParameters, ListAPIView):
    permission_classes = [IsTenantAdmin]
    serializer_class = s.ApplicationSerializer
    filterset_class = ApplicationFilter

    def get_queryset(self):
        return selectors.applications()


class ApplicationDetailView(APIView):
    permission_classes = [IsTenantAdmin]

    @extend_schema(responses={200: dict})
    def get(self, request, pk):
        return Response(_application_body(selectors.application_get(application_id=pk)))


class StepReviewView(APIView):
    permission_classes = [IsTenantAdmin]

    @extend_schema(request=s.DecisionSerializer, responses={200: dict})
    def post(self, request, pk, requirement_id):
        application = selectors.application_get(application_id=pk)
        serializer = s.DecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        vetting.step_review(
            admin=request.user,
            application=application,
            requirement=selectors.requirement_get(requirement_id=requirement_id),
            approve=data["decision"] == "approve",
            reason=data["reason"],
            note=data["note"],
        )
        return Response(_application_body(application))


class ApplicationDecisionView(APIView):
    permission_classes = [IsTenantAdmin]

    @extend_schema(request=s.DecisionSerializer, responses={200: dict})
    def post(self, request, pk):
        application = selectors.application_get(application_id=pk)
        serializer = s.DecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        application = vetting.application_decide(
            admin=request.user,
            application=application,
            approve=data["decision"] == "approve",
            reason=data["reason"],
        )
        return Response(_application_body(application))


class ProviderSuspendView(APIView):
    permission_classes = [IsTenantAdmin]
    suspend = True

    @extend_schema(request=ReasonSerializer, responses={200: dict})
    def post(self, request, pk):
        provider = provider_profile_get(profile_id=pk, viewer=request.user)
        if self.suspend:
            serializer = ReasonSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            provider = vetting.provider_suspend(
                admin=request.user, provider=provider, reason=serializer.validated_data["reason"]
            )
        else:
            provider = vetting.provider_unsuspend(
                admin=request.user,
                provider=provider,
                reason=request.data.get("reason", "")[:500]
                if isinstance(request.data, dict)
                else "",
            )
        return Response({"id": provider.pk, "is_suspended": provider.is_suspended})


class BadgeListView(QueryParameters, APIView):
    def get_permissions(self):
        return [IsAuthenticated()] if self.request.method == "GET" else [IsTenantAdmin()]

    @extend_schema(responses=s.BadgeSerializer(many=True))
    def get(self, request):
        return Response(
            s.BadgeSerializer(
                selectors.badges(include_inactive=request.user.is_tenant_admin), many=True
            ).data
        )

    @extend_schema(request=s.BadgeWriteSerializer, responses={201: s.BadgeSerializer})
    def post(self, request):
        serializer = s.BadgeWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        badge = badges.badge_create(actor=request.user, **serializer.validated_data)
        return Response(s.BadgeSerializer(badge).data, status=status.HTTP_201_CREATED)


class BadgeDetailView(APIView):
    permission_classes = [IsTenantAdmin]

    @extend_schema(request=s.BadgeWriteSerializer, responses=s.BadgeSerializer)
    def patch(self, request, pk):
        badge = selectors.badge_get(badge_id=pk)
        serializer = s.BadgeWriteSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        changes = {k: v for k, v in serializer.validated_data.items() if k != "slug"}
        return Response(
            s.BadgeSerializer(badges.badge_update(badge=badge, actor=request.user, **changes)).data
        )


class BadgeAwardView(APIView):
    permission_classes = [IsTenantAdmin]

    @extend_schema(request=s.AwardWriteSerializer, responses={201: s.AwardSerializer})
    def post(self, request, pk):
        badge = selectors.badge_get(badge_id=pk)
        serializer = s.AwardWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        award = badges.badge_award(badge=badge, actor=request.user, **serializer.validated_data)
        return Response(s.AwardSerializer(award).data, status=status.HTTP_201_CREATED)


class AwardRevokeView(APIView):
    permission_classes = [IsTenantAdmin]

    @extend_schema(request=ReasonSerializer, responses=s.AwardSerializer)
    def post(self, request, pk):
        serializer = ReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        award = badges.badge_revoke(
            award=selectors.award_get(award_id=pk),
            actor=request.user,
            reason=serializer.validated_data["reason"],
        )
        return Response(s.AwardSerializer(award).data)


class ProviderAwardListView(QueryParameters, APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=s.AwardSerializer(many=True))
    def get(self, request, pk):
        provider = provider_profile_get(profile_id=pk, viewer=request.user)
        awards = selectors.awards_of(provider)
        if not request.user.is_tenant_admin:
            awards = awards.filter(revoked_at__isnull=True, badge__is_active=True)
        return Response(s.AwardSerializer(awards, many=True).data)


class AuditListView(QueryParameters, ListAPIView):
    permission_classes = [IsTenantAdmin]
    serializer_class = s.AuditEntrySerializer
    filterset_class = AuditFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return AuditEntry.objects.none()
        return selectors.audit_entries()
