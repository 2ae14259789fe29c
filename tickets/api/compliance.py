"""sla-compliance/ (API.md), sla-compliance-monthly/ and ola-compliance/: read-only figures."""

from datetime import timedelta

import django_filters
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from catalog.models import Service
from sso import permissions
from sso.api.viewsets import TenantScopedReadOnlyViewSet
from sso.models import Agency, Team
from tickets import compliance
from tickets.compliance_models import (
    Metric,
    SlaComplianceDay,
    SlaComplianceMonth,
    TeamComplianceDay,
)


def _visible_targets(model, user):
    """Only what the caller may see can be named: an unknown code and another agency's (or
    an unpublished service's) code get the same 400, so the filter confirms nothing."""
    if model is Service:
        return permissions.visible_services(Service.objects.all(), user)
    return permissions.visible(model.objects.all(), user)


class CodeOrIdFilter(django_filters.CharFilter):
    """``?service=PAYROLL`` or ``?service=12``; an unknown code is a 400 that says so."""

    def __init__(self, *args, target=None, **kwargs):
        self.target = target  # not "model": FilterSet sets that to the filtered model
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        lookup = {"pk": int(value)} if value.isascii() and value.isdigit() else {"code": value}
        candidates = _visible_targets(self.target, self.parent.request.user)
        pk = candidates.filter(**lookup).values_list("pk", flat=True).first()
        if pk is None:
            raise ValidationError(
                {self.field_name: [f"No {self.target._meta.verbose_name} {value!r}."]}
            )
        return qs.filter(**{f"{self.field_name}_id": pk})


class ComplianceFilter(django_filters.FilterSet):
    service = CodeOrIdFilter(target=Service)
    agency = CodeOrIdFilter(target=Agency)
    metric = django_filters.ChoiceFilter(choices=Metric.choices)
    priority = django_filters.NumberFilter()
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte")
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte")

    class Meta:
        model = SlaComplianceDay
        fields = ["service", "agency", "metric", "priority", "date_from", "date_to"]

    def filter_queryset(self, queryset):
        first, last = self.form.cleaned_data.get("date_from"), self.form.cleaned_data.get("date_to")
        if first and last and last < first:
            raise ValidationError({"date_to": ["date_to is before date_from."]})
        tomorrow = compliance.today_local() + timedelta(days=1)
        if first and first >= tomorrow:
            raise ValidationError(
                {"date_from": ["date_from is in the future: no figures exist yet."]}
            )
        return super().filter_queryset(queryset)


class MonthlyFilter(ComplianceFilter):
    date_from = django_filters.DateFilter(field_name="month", lookup_expr="gte")
    date_to = django_filters.DateFilter(field_name="month", lookup_expr="lte")

    class Meta:
        model = SlaComplianceMonth
        fields = ["service", "agency", "metric", "priority", "date_from", "date_to"]


class TeamFilter(django_filters.FilterSet):
    team = django_filters.ModelChoiceFilter(queryset=Team.objects.all())
    service = CodeOrIdFilter(target=Service)
    priority = django_filters.NumberFilter()
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte")
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte")

    class Meta:
        model = TeamComplianceDay
        fields = ["team", "service", "priority", "date_from", "date_to"]


class ComplianceDaySerializer(serializers.ModelSerializer):
    service = serializers.SlugRelatedField(slug_field="code", read_only=True)
    agency = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = SlaComplianceDay
        fields = [
            "id",
            "service",
            "agency",
            "priority",
            "metric",
            "date",
            "met",
            "breached",
            "compliance_pct",
        ]


class ComplianceMonthSerializer(serializers.ModelSerializer):
    service = serializers.SlugRelatedField(slug_field="code", read_only=True)
    agency = serializers.SlugRelatedField(slug_field="code", read_only=True)
    month = serializers.DateField(format="%Y-%m")

    class Meta:
        model = SlaComplianceMonth
        fields = [
            "id",
            "service",
            "agency",
            "priority",
            "metric",
            "month",
            "met",
            "breached",
            "compliance_pct",
            "target_pct",
            "target_met",
        ]


class TeamComplianceSerializer(serializers.ModelSerializer):
    team = serializers.SlugRelatedField(slug_field="name", read_only=True)
    service = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = TeamComplianceDay
        fields = ["id", "team", "service", "priority", "date", "met", "breached", "compliance_pct"]


class SlaComplianceViewSet(TenantScopedReadOnlyViewSet):
    """Daily SLA compliance per service, agency, priority and metric (computed nightly)."""

    queryset = SlaComplianceDay.objects.select_related("service", "agency").order_by(
        "-date", "service__code", "agency__code", "priority", "metric"
    )
    serializer_class = ComplianceDaySerializer
    filterset_class = ComplianceFilter
    ordering_fields = ["date", "compliance_pct", "priority"]


class SlaComplianceMonthViewSet(TenantScopedReadOnlyViewSet):
    """Monthly rollups of the daily rows, against each SLA's compliance target."""

    queryset = SlaComplianceMonth.objects.select_related("service", "agency").order_by(
        "-month", "service__code", "agency__code", "priority", "metric"
    )
    serializer_class = ComplianceMonthSerializer
    filterset_class = MonthlyFilter
    ordering_fields = ["month", "compliance_pct", "priority"]


class OlaComplianceViewSet(TenantScopedReadOnlyViewSet):
    """Per-team compliance with the internal targets (OLA), for provider staff and boards."""

    queryset = TeamComplianceDay.objects.select_related("team", "service").order_by(
        "-date", "team__name", "service__code", "priority"
    )
    serializer_class = TeamComplianceSerializer
    filterset_class = TeamFilter
    ordering_fields = ["date", "compliance_pct"]


def register(router):
    router.register("sla-compliance", SlaComplianceViewSet, basename="sla-compliance")
    router.register(
        "sla-compliance-monthly", SlaComplianceMonthViewSet, basename="sla-compliance-monthly"
    )
    router.register("ola-compliance", OlaComplianceViewSet, basename="ola-compliance")
