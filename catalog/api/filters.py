"""Filters named after fields (``?category=it&lifecycle_state=live``, ``?service=CODE``)."""

import django_filters
from django.db.models import Q

from catalog.models import (
    Article,
    BusinessCalendar,
    Category,
    ChecklistItem,
    Lifecycle,
    RequestType,
    Service,
    ServiceLevel,
    Subscription,
    SubscriptionStatus,
)


def _by_id_or_code(queryset, field, value):
    value = value.strip()
    if value.isascii() and value.isdigit():
        return queryset.filter(**{f"{field}_id": int(value)})
    return queryset.filter(**{f"{field}__code": value})


class ServiceRefFilter(django_filters.FilterSet):
    """``?service=12`` or ``?service=PAYROLL``."""

    service = django_filters.CharFilter(method="filter_service")

    def filter_service(self, queryset, name, value):
        return _by_id_or_code(queryset, "service", value)


class ServiceFilter(django_filters.FilterSet):
    category = django_filters.MultipleChoiceFilter(choices=Category.choices)
    lifecycle_state = django_filters.MultipleChoiceFilter(choices=Lifecycle.choices)
    q = django_filters.CharFilter(method="filter_q", label="Search code, name, description")

    class Meta:
        model = Service
        fields = [
            "code",
            "category",
            "lifecycle_state",
            "owner_team",
            "calendar",
            "service_manager",
            "has_standard_sop",
        ]

    def filter_q(self, queryset, name, value):
        return queryset.filter(
            Q(code__icontains=value) | Q(name__icontains=value) | Q(description__icontains=value)
        )


class RequestTypeFilter(ServiceRefFilter):
    class Meta:
        model = RequestType
        fields = ["service", "default_kind", "default_priority", "requires_approval", "is_active"]


class ServiceLevelFilter(ServiceRefFilter):
    class Meta:
        model = ServiceLevel
        fields = ["service", "priority", "request_type"]


class ArticleFilter(ServiceRefFilter):
    q = django_filters.CharFilter(method="filter_q", label="Full-text search")

    class Meta:
        model = Article
        fields = ["service", "audience", "is_service_desk_document"]

    def filter_q(self, queryset, name, value):
        from catalog.knowledge import search_articles

        matches = search_articles(value, self.request.user)
        return queryset.filter(pk__in=matches.values("pk"))


class ChecklistItemFilter(ServiceRefFilter):
    signed_off = django_filters.BooleanFilter(
        field_name="signed_off_at", lookup_expr="isnull", exclude=True
    )

    class Meta:
        model = ChecklistItem
        fields = ["service", "approver", "signed_off"]


class SubscriptionFilter(ServiceRefFilter):
    agency = django_filters.CharFilter(method="filter_agency")
    status = django_filters.MultipleChoiceFilter(choices=SubscriptionStatus.choices)

    class Meta:
        model = Subscription
        fields = ["agency", "service", "status"]

    def filter_agency(self, queryset, name, value):
        return _by_id_or_code(queryset, "agency", value)


class CalendarFilter(django_filters.FilterSet):
    class Meta:
        model = BusinessCalendar
        fields = ["name", "timezone"]
