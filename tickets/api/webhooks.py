"""webhooks/ (integrators register endpoints) and webhook-deliveries/ (the delivery log)."""

from django.core.validators import URLValidator
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from sso.api.viewsets import TenantScopedReadOnlyViewSet, TenantScopedViewSet
from tickets.webhook_models import WebhookDelivery, WebhookEndpoint, WebhookEvent, new_secret


class WebhookEndpointSerializer(serializers.ModelSerializer):
    url = serializers.CharField(
        max_length=500, validators=[URLValidator(schemes=["http", "https"])]
    )
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=WebhookEvent.choices), required=False
    )
    agency = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = WebhookEndpoint
        fields = ["id", "url", "events", "is_active", "agency", "created_at"]
        read_only_fields = ["created_at"]

    def create(self, validated_data):
        user = self.context["request"].user
        # An agency's integrator hears its own agency only; provider staff hear every agency.
        return WebhookEndpoint.objects.create(owner=user, agency=user.agency, **validated_data)


class WebhookEndpointCreatedSerializer(WebhookEndpointSerializer):
    """The answer to a create or a rotation: the only time the secret is shown."""

    class Meta(WebhookEndpointSerializer.Meta):
        fields = [*WebhookEndpointSerializer.Meta.fields, "secret"]


class WebhookDeliverySerializer(serializers.ModelSerializer):
    ticket = serializers.SlugRelatedField(slug_field="number", read_only=True)

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "endpoint",
            "event",
            "ticket",
            "status",
            "attempts",
            "response_code",
            "error",
            "created_at",
            "last_attempt_at",
            "delivered_at",
        ]


class WebhookEndpointViewSet(TenantScopedViewSet):
    """Ticket events (created, transitioned, commented, breached) POSTed as JSON, signed with
    ``X-Signature: sha256=<HMAC-SHA256 of the body>`` using the endpoint's secret."""

    queryset = WebhookEndpoint.objects.select_related("agency").order_by("pk")
    serializer_class = WebhookEndpointSerializer

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        endpoint = serializer.save()
        return Response(WebhookEndpointCreatedSerializer(endpoint).data, status=201)

    @action(detail=True, methods=["post"], url_path="rotate-secret")
    def rotate_secret(self, request, pk=None):
        endpoint = self.get_object()
        endpoint.secret = new_secret()
        endpoint.save(update_fields=["secret"])
        return Response(WebhookEndpointCreatedSerializer(endpoint).data)


class WebhookDeliveryViewSet(TenantScopedReadOnlyViewSet):
    queryset = WebhookDelivery.objects.select_related("ticket").order_by("-created_at", "-pk")
    serializer_class = WebhookDeliverySerializer
    filterset_fields = ["endpoint", "event", "status"]


def register(router):
    router.register("webhooks", WebhookEndpointViewSet, basename="webhook")
    router.register("webhook-deliveries", WebhookDeliveryViewSet, basename="webhook-delivery")
