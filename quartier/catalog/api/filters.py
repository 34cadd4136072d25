"""Filters for the catalog's list endpoints (django-filter; bad values are a 400)."""

import django_filters

from quartier.catalog.models import Category, Listing, TaskRequest
from quartier.platform.api.query import IsoDateTimeFilter, ModelIdChoiceFilter


class ListingFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=Listing.Status.choices, distinct=False)
    category = ModelIdChoiceFilter(queryset=Category.objects.all(), method="in_category")

    class Meta:
        model = Listing
        fields = ["status", "category"]

    def in_category(self, queryset, name, category):
        return queryset.filter(category__in=[category, *category.children.all()])


class TaskFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=TaskRequest.Status.choices, distinct=False)
    created_after = IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")

    class Meta:
        model = TaskRequest
        fields = ["status", "created_after"]
