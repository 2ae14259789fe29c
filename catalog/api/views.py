"""Catalog API: each viewset is a queryset, a serializer and a filterset; custom actions
call one operation each (``catalog.lifecycle``, ``catalog.subscriptions``, ...)."""

from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from catalog import calendars, editing, knowledge, lifecycle, subscriptions
from catalog.api import filters, serializers
from catalog.models import (
    Article,
    BusinessCalendar,
    ChecklistItem,
    RequestType,
    Service,
    ServiceLevel,
    Subscription,
)
from sso import permissions
from sso.api.viewsets import (
    TenantScopedCreateReadViewSet,
    TenantScopedViewSet,
)

NO_DELETE = ["get", "post", "patch", "put", "head", "options"]


class CalendarViewSet(TenantScopedViewSet):
    queryset = BusinessCalendar.objects.prefetch_related("hours", "holidays")
    serializer_class = serializers.CalendarSerializer
    filterset_class = filters.CalendarFilter
    ordering_fields = ["name", "timezone"]

    @extend_schema(
        request=serializers.HolidayImportSerializer, responses=serializers.CalendarSerializer
    )
    @action(detail=True, methods=["post"], url_path="import-holidays")
    def import_holidays(self, request, pk=None):
        """Add public holidays for a country (and subdivision) and a year range."""
        calendar = self.get_object()
        params = serializers.HolidayImportSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        added = calendars.import_holidays(
            calendar, acting_user=request.user, **params.validated_data
        )
        calendar = self.get_queryset().get(pk=calendar.pk)
        return Response({"added": added, **self.get_serializer(calendar).data})


class ServiceViewSet(TenantScopedCreateReadViewSet):
    """Services are retired, never deleted (their tickets and charges refer to them)."""

    queryset = Service.objects.all()
    serializer_class = serializers.ServiceSerializer
    filterset_class = filters.ServiceFilter
    ordering_fields = ["code", "name", "category", "lifecycle_state"]

    def get_queryset(self):
        return permissions.visible_services(super().get_queryset(), self.request.user)

    @extend_schema(request=serializers.LifecycleSerializer, responses=serializers.ServiceSerializer)
    @action(detail=True, methods=["post"])
    def lifecycle(self, request, pk=None):
        """Move the service along its lifecycle; 409 with ``missing`` when the gate is not met."""
        service = self.get_object()
        params = serializers.LifecycleSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        service = lifecycle.change_lifecycle(
            service, params.validated_data["state"], acting_user=request.user
        )
        return Response(self.get_serializer(service).data)

    @action(detail=True, methods=["get"])
    def gate(self, request, pk=None):
        """The go-live checklist: every check, met or not, and what is missing."""
        service = self.get_object()
        checks = lifecycle.gate_checks(service)
        return Response(
            {
                "ready": all(c.met for c in checks),
                "missing": [c.missing for c in checks if not c.met],
                "checks": [{"key": c.key, "label": c.label, "met": c.met} for c in checks],
                "allowed_moves": list(lifecycle.allowed_moves(service)),
            }
        )

    @extend_schema(request=None, responses=serializers.ServiceSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """The appointed service manager accepts the service for operation."""
        service = lifecycle.accept_service(self.get_object(), acting_user=request.user)
        return Response(self.get_serializer(service).data)

    accept.operation_checks_roles = True


class ChecklistItemViewSet(TenantScopedViewSet):
    queryset = ChecklistItem.objects.select_related("service")
    serializer_class = serializers.ChecklistItemSerializer
    filterset_class = filters.ChecklistItemFilter
    ordering_fields = ["service", "name", "signed_off_at"]

    def perform_destroy(self, instance):
        lifecycle.delete_checklist_item(instance, acting_user=self.request.user)

    @extend_schema(
        request=serializers.SignOffSerializer, responses=serializers.ChecklistItemSerializer
    )
    @action(detail=True, methods=["post"], url_path="sign-off")
    def sign_off(self, request, pk=None):
        """Sign off this deliverable: only its appointed approver may."""
        params = serializers.SignOffSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        item = lifecycle.sign_off(
            self.get_object(), acting_user=request.user, note=params.validated_data["note"]
        )
        return Response(self.get_serializer(item).data)

    sign_off.operation_checks_roles = True


class ArticleViewSet(TenantScopedViewSet):
    queryset = Article.objects.select_related("service")
    serializer_class = serializers.ArticleSerializer
    filterset_class = filters.ArticleFilter
    ordering_fields = ["title", "updated_at", "version"]

    def get_queryset(self):
        return permissions.visible_articles(super().get_queryset(), self.request.user)

    def perform_destroy(self, instance):
        editing.require_editor(self.request.user)
        instance.delete()

    @action(detail=True, methods=["get"])
    def versions(self, request, pk=None):
        """Earlier versions of the article, newest first."""
        article = self.get_object()
        rows = article.history.select_related("history_user").order_by("-history_date")
        seen, versions = set(), []
        for row in rows:
            if row.version in seen:
                continue
            seen.add(row.version)
            versions.append(
                {
                    "version": row.version,
                    "title": row.title,
                    "body": row.body,
                    "changed_at": row.history_date,
                    "changed_by": row.history_user_id,
                }
            )
        return Response(versions)

    @action(detail=False, methods=["get"])
    def suggest(self, request):
        """Articles that may answer ``?text=...`` (optionally for ``?service=CODE``)."""
        service = None
        code = request.query_params.get("service")
        if code:
            service = (
                permissions.visible_services(Service.objects.all(), request.user)
                .filter(
                    **({"pk": int(code)} if code.isascii() and code.isdigit() else {"code": code})
                )
                .first()
            )
        found = knowledge.suggest_articles(
            request.query_params.get("text", ""), request.user, service=service
        )
        return Response(self.get_serializer(found, many=True).data)


class RequestTypeViewSet(TenantScopedViewSet):
    queryset = RequestType.objects.select_related("service")
    serializer_class = serializers.RequestTypeSerializer
    filterset_class = filters.RequestTypeFilter
    ordering_fields = ["name", "default_priority"]

    def get_queryset(self):
        return permissions.visible_services(super().get_queryset(), self.request.user, "service")

    def perform_destroy(self, instance):
        editing.require_editor(self.request.user)
        instance.delete()


class ServiceLevelViewSet(TenantScopedViewSet):
    queryset = ServiceLevel.objects.select_related("service")
    serializer_class = serializers.ServiceLevelSerializer
    filterset_class = filters.ServiceLevelFilter
    ordering_fields = ["priority"]

    def get_queryset(self):
        return permissions.visible_services(super().get_queryset(), self.request.user, "service")

    def perform_destroy(self, instance):
        editing.delete_sla(instance, acting_user=self.request.user)


class SubscriptionViewSet(TenantScopedCreateReadViewSet):
    """Agency approvers request; service owners approve or reject; nobody deletes."""

    queryset = Subscription.objects.select_related("agency", "service")
    serializer_class = serializers.SubscriptionSerializer
    filterset_class = filters.SubscriptionFilter
    ordering_fields = ["start_date", "created_at", "status"]

    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)

    create.operation_checks_roles = True

    def update(self, request, *args, **kwargs):
        return super().update(request, *args, **kwargs)

    update.operation_checks_roles = True

    def partial_update(self, request, *args, **kwargs):
        return super().partial_update(request, *args, **kwargs)

    partial_update.operation_checks_roles = True

    def _decide(self, request, operation):
        params = serializers.SubscriptionDecisionSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        subscription = operation(
            self.get_object(), acting_user=request.user, note=params.validated_data["note"]
        )
        return Response(self.get_serializer(subscription).data)

    @extend_schema(
        request=serializers.SubscriptionDecisionSerializer,
        responses=serializers.SubscriptionSerializer,
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._decide(request, subscriptions.approve)

    approve.operation_checks_roles = True

    @extend_schema(
        request=serializers.SubscriptionDecisionSerializer,
        responses=serializers.SubscriptionSerializer,
    )
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self._decide(request, subscriptions.reject)

    reject.operation_checks_roles = True

    @extend_schema(
        request=serializers.SubscriptionDecisionSerializer,
        responses=serializers.SubscriptionSerializer,
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return self._decide(request, subscriptions.cancel)

    cancel.operation_checks_roles = True
