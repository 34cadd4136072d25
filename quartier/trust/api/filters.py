"""Filters for the review queue and the audit trail (django-filter; bad values are a 400)."""

import django_filters

from quartier.marketplace.models import AuditEntry
from quartier.platform.api.query import IdFilter
from quartier.trust.models import Application


class ApplicationFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=Application.Status.choices, distinct=False)
    flagged = django_filters.BooleanFilter(
        field_name="revetting_deadline", lookup_expr="isnull", exclude=True
    )

    class Meta:
        model = Application
        fields = ["status", "flagged"]


class AuditFilter(django_filters.FilterSet):
    action = django_filters.CharFilter()
    action_prefix = django_filters.CharFilter(field_name="action", lookup_expr="startswith")
    subject_type = django_filters.CharFilter(method="filter_subject_type")
    subject_id = IdFilter()
    after = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    before = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="lt")

    class Meta:
        model = AuditEntry
        fields = ["action", "action_prefix", "subject_type", "subject_id", "after", "before"]

    def filter_subject_type(self, queryset, name, value):
        # Entries written before a model moved app carry its former label.
        return queryset.of_subject_type(value)
