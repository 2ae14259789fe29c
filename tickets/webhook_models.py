"""Webhook endpoints that integrators register, and the log of every delivery attempt.
(Imported by tickets/models.py.)"""

import secrets

from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords


class WebhookEvent(models.TextChoices):
    CREATED = "ticket.created", "Ticket created"
    TRANSITIONED = "ticket.transitioned", "Ticket changed status"
    COMMENTED = "ticket.commented", "Public comment added"
    BREACHED = "ticket.breached", "SLA target missed"


def new_secret() -> str:
    return secrets.token_hex(32)


class WebhookEndpoint(models.Model):
    """Where to POST ticket events. An agency's endpoint hears only its agency's tickets;
    a provider-wide one (no agency) hears all."""

    owner = models.ForeignKey("sso.User", on_delete=models.CASCADE, related_name="webhooks")
    agency = models.ForeignKey(
        "sso.Agency", null=True, blank=True, on_delete=models.CASCADE, related_name="webhooks"
    )
    url = models.URLField(max_length=500)
    secret = models.CharField(max_length=128, default=new_secret, help_text="HMAC-SHA256 key.")
    events = models.JSONField(default=list, help_text="Event names; empty means all.")
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords(excluded_fields=["secret"])

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.url

    def wants(self, event: str) -> bool:
        return not self.events or event in self.events


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed (gave up)"


class WebhookDelivery(models.Model):
    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField(max_length=40, choices=WebhookEvent.choices)
    ticket = models.ForeignKey(
        "tickets.Ticket", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    payload = models.JSONField()
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.CharField(max_length=500, blank=True)
    error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["endpoint", "created_at"], name="delivery_endpoint_created")
        ]

    def __str__(self):
        return f"{self.event} → {self.endpoint_id} ({self.status})"
