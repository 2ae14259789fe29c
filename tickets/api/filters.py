import django_filters
from django.db.models import Q

from tickets.models import Status, Ticket
from tickets.queries import id_or_code, search


class IdOrCodeFilter(django_filters.CharFilter):
    """``?agency=3`` or ``?agency=DOT`` (API.md: agencies and services also by code)."""

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.filter(id_or_code(self.field_name, value))


class TicketFilter(django_filters.FilterSet):
    # A column of the ticket itself: no join, so no DISTINCT (MultipleChoiceFilter's default).
    status = django_filters.MultipleChoiceFilter(choices=Status.choices, distinct=False)
    agency = IdOrCodeFilter(field_name="agency")
    service = IdOrCodeFilter(field_name="service")
    breached = django_filters.BooleanFilter(
        method="filter_breached", label="Response or resolution breached"
    )
    opened_from = django_filters.IsoDateTimeFilter(field_name="opened_at", lookup_expr="gte")
    opened_to = django_filters.IsoDateTimeFilter(field_name="opened_at", lookup_expr="lt")
    resolution_due_before = django_filters.IsoDateTimeFilter(
        field_name="resolution_due_at", lookup_expr="lt"
    )
    updated_since = django_filters.IsoDateTimeFilter(field_name="updated_at", lookup_expr="gte")
    tag = django_filters.CharFilter(field_name="tags__name", distinct=True)
    q = django_filters.CharFilter(method="filter_search", label="Search number, title, text")

    class Meta:
        model = Ticket
        fields = {
            "number": ["exact"],
            "priority": ["exact"],
            "team": ["exact"],
            "assignee": ["exact"],
            "requester": ["exact"],
            "request_type": ["exact"],
            "kind": ["exact"],
            "tier": ["exact"],
            "response_breached": ["exact"],
            "resolution_breached": ["exact"],
            "opened_at": ["gte", "lte"],
            "resolved_at": ["gte", "lte"],
        }

    def filter_breached(self, queryset, name, value):
        condition = Q(response_breached=True) | Q(resolution_breached=True)
        return queryset.filter(condition) if value else queryset.exclude(condition)

    def filter_search(self, queryset, name, value):
        return search(queryset, value)
