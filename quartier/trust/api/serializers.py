from rest_framework import serializers

from quartier.catalog.models import Category
from quartier.marketplace.models import AuditEntry
from quartier.platform.api.query import PrimaryKeyRelatedField
from quartier.providers.models import ProviderProfile
from quartier.trust.models import Application, Badge, BadgeAward, Requirement


class RequirementSerializer(serializers.ModelSerializer):
    quiz = serializers.SerializerMethodField()

    class Meta:
        model = Requirement
        fields = [
            "id",
            "kind",
            "position",
            "titles",
            "instructions",
            "validity_days",
            "threshold",
            "is_active",
            "quiz",
        ]

    def get_quiz(self, requirement) -> dict | None:
        quiz = getattr(requirement, "quiz", None) if requirement.kind == "quiz" else None
        if quiz is None:
            return None
        return {
            "id": quiz.pk,
            "pass_mark_percent": quiz.pass_mark_percent,
            "max_attempts": quiz.max_attempts,
            "questions": quiz.questions.count(),
        }


class RequirementWriteSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(Requirement.Kind.choices)
    position = serializers.IntegerField(min_value=0, max_value=1000, required=False)
    titles = serializers.DictField(child=serializers.CharField(max_length=120))
    instructions = serializers.DictField(
        child=serializers.CharField(max_length=2000), required=False
    )
    validity_days = serializers.IntegerField(
        min_value=1, max_value=3650, required=False, allow_null=True
    )
    threshold = serializers.IntegerField(
        min_value=0, max_value=100_000, required=False, allow_null=True
    )
    is_active = serializers.BooleanField(required=False)


class ChoiceWriteSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=300)
    is_correct = serializers.BooleanField(default=False)


class QuestionWriteSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=500)
    choices = ChoiceWriteSerializer(many=True)


class QuizWriteSerializer(serializers.Serializer):
    pass_mark_percent = serializers.IntegerField(min_value=1, max_value=100)
    max_attempts = serializers.IntegerField(min_value=1, max_value=20)
    questions = QuestionWriteSerializer(many=True)
    # A complete quiz goes live with its questions unless this is false.
    is_active = serializers.BooleanField(default=True)


class QuizSerializer(serializers.Serializer):
    """A quiz as the provider sees it: questions and choices, never the answers."""

    def to_representation(self, quiz):
        return {
            "id": quiz.pk,
            "pass_mark_percent": quiz.pass_mark_percent,
            "max_attempts": quiz.max_attempts,
            "questions": [
                {
                    "id": question.pk,
                    "text": question.text,
                    "choices": [{"id": c.pk, "text": c.text} for c in question.choices.all()],
                }
                for question in quiz.questions.all()
            ],
        }


class QuizAnswersSerializer(serializers.Serializer):
    answers = serializers.DictField(child=serializers.IntegerField())


class StepSerializer(serializers.Serializer):
    def to_representation(self, state):
        step = state.step
        return {
            "requirement": RequirementSerializer(state.requirement).data,
            "status": state.status,
            "satisfied": state.satisfied,
            "reason": step.reason if step else "",
            "valid_until": step.valid_until if step else None,
            "documents": [
                {
                    "id": d.pk,
                    "content_type": d.content_type,
                    "size": d.size,
                    "uploaded_at": d.uploaded_at,
                }
                for d in (step.documents.all() if step else [])
            ],
        }


class ApplicationSerializer(serializers.ModelSerializer):
    provider = serializers.SerializerMethodField()

    class Meta:
        model = Application
        fields = [
            "id",
            "provider",
            "status",
            "submitted_at",
            "decided_at",
            "decision_reason",
            "revetting_deadline",
            "revetting_reason",
        ]

    def get_provider(self, application) -> dict:
        provider = application.provider
        return {
            "id": provider.pk,
            "display_name": provider.display_name,
            "is_vetted": provider.is_vetted,
            "is_suspended": provider.is_suspended,
        }


class DocumentUploadSerializer(serializers.Serializer):
    file = serializers.FileField()


class DecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(["approve", "reject"])
    reason = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")
    note = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")


class BadgeSerializer(serializers.ModelSerializer):
    categories = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Badge
        fields = [
            "id",
            "slug",
            "names",
            "descriptions",
            "icon",
            "colour",
            "rule",
            "threshold",
            "min_reviews",
            "categories",
            "validity_days",
            "is_active",
        ]


class BadgeWriteSerializer(serializers.Serializer):
    slug = serializers.SlugField(max_length=60)
    names = serializers.DictField(child=serializers.CharField(max_length=60))
    descriptions = serializers.DictField(
        child=serializers.CharField(max_length=500), required=False
    )
    icon = serializers.ChoiceField(Badge.Icon.choices, required=False)
    colour = serializers.RegexField(r"^#[0-9a-fA-F]{6}$", required=False)
    rule = serializers.ChoiceField(Badge.Rule.choices, required=False)
    threshold = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    min_reviews = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    categories = PrimaryKeyRelatedField(many=True, required=False, queryset=Category.objects.all())
    validity_days = serializers.IntegerField(
        min_value=1, max_value=3650, required=False, allow_null=True
    )
    is_active = serializers.BooleanField(required=False)


class AwardSerializer(serializers.ModelSerializer):
    badge = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = BadgeAward
        fields = [
            "id",
            "badge",
            "provider",
            "awarded_at",
            "valid_until",
            "revoked_at",
            "revoke_reason",
        ]


class AwardWriteSerializer(serializers.Serializer):
    provider = PrimaryKeyRelatedField(queryset=ProviderProfile.objects.all())
    valid_until = serializers.DateTimeField(required=False, allow_null=True)
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class AuditEntrySerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()

    class Meta:
        model = AuditEntry
        fields = [
            "id",
            "actor",
            "action",
            "subject_type",
            "subject_id",
            "before",
            "after",
            "reason",
            "created_at",
        ]

    def get_actor(self, entry) -> str | None:
        return entry.actor.display_name if entry.actor_id else None
