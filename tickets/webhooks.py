"""Ticket events to integrators' endpoints: signed, sent by Celery outside the request, retried
with backoff, and logged with their response codes.

``emit`` is called by the ticket operations inside their transaction; it writes the delivery
rows and queues the sends with ``transaction.on_commit``, so a rolled-back change sends
nothing and a slow or dead endpoint never holds a ticket save. Receivers check
``X-Signature: sha256=<hex HMAC-SHA256 of the raw body with the endpoint's secret>``.
Internal notes never leave: only public comments are events.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import urllib.error
import urllib.request

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from tickets.webhook_models import DeliveryStatus, WebhookDelivery, WebhookEndpoint

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
TIMEOUT_SECONDS = 5


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def ticket_payload(ticket) -> dict:
    return {
        "id": ticket.pk,
        "number": ticket.number,
        "agency": ticket.agency.code,
        "service": ticket.service.code,
        "kind": ticket.kind,
        "title": ticket.title,
        "priority": ticket.priority,
        "status": ticket.status,
        "team": ticket.team_id,
        "assignee": ticket.assignee_id,
        "opened_at": ticket.opened_at,
        "first_response_at": ticket.first_response_at,
        "resolved_at": ticket.resolved_at,
        "response_due_at": ticket.response_due_at,
        "resolution_due_at": ticket.resolution_due_at,
        "response_breached": ticket.response_breached,
        "resolution_breached": ticket.resolution_breached,
    }


def emit(event: str, ticket, **data) -> list[int]:
    """Record a delivery for every endpoint that wants ``event`` about this ticket's agency."""
    endpoints = [
        endpoint
        for endpoint in WebhookEndpoint.objects.filter(is_active=True).filter(
            Q(agency__isnull=True) | Q(agency_id=ticket.agency_id)
        )
        if endpoint.wants(event)
    ]
    if not endpoints:
        return []
    payload = json.loads(
        json.dumps(
            {"event": event, "sent_at": timezone.now(), "ticket": ticket_payload(ticket), **data},
            cls=DjangoJSONEncoder,
        )
    )
    deliveries = WebhookDelivery.objects.bulk_create(
        WebhookDelivery(endpoint=endpoint, event=event, ticket=ticket, payload=payload)
        for endpoint in endpoints
    )
    ids = [d.pk for d in deliveries]

    def queue():
        from tickets.tasks import deliver_webhook

        for pk in ids:
            deliver_webhook.delay(pk)

    transaction.on_commit(queue)
    return ids


class DeliveryFailed(Exception):
    """The endpoint did not answer 2xx; the task retries with backoff."""


def attempt(delivery_id: int) -> WebhookDelivery:
    """One POST. Raises DeliveryFailed on a non-2xx answer or a network error (logged first)."""
    delivery = WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)
    if delivery.status != DeliveryStatus.PENDING:
        return delivery  # already delivered or given up: a duplicate task does nothing
    body = json.dumps(delivery.payload, separators=(",", ":")).encode()
    request = urllib.request.Request(  # noqa: S310 - integrators register http(s) URLs only
        delivery.endpoint.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "shared-services-webhooks/1",
            "X-Event": delivery.event,
            "X-Delivery": str(delivery.pk),
            "X-Signature": sign(delivery.endpoint.secret, body),
        },
    )
    delivery.attempts += 1
    delivery.last_attempt_at = timezone.now()
    code, text, error = None, "", ""
    try:
        timeout = getattr(settings, "WEBHOOK_TIMEOUT", TIMEOUT_SECONDS)
        with urllib.request.urlopen(request, timeout=timeout) as reply:  # noqa: S310
            code, text = reply.status, reply.read(500).decode(errors="replace")
    except urllib.error.HTTPError as exc:
        code, text = exc.code, exc.read(500).decode(errors="replace")
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        error = f"{type(exc).__name__}: {exc}"[:500]
    delivery.response_code, delivery.response_body, delivery.error = code, text[:500], error
    ok = code is not None and 200 <= code < 300
    if ok:
        delivery.status, delivery.delivered_at = DeliveryStatus.SUCCEEDED, timezone.now()
    elif delivery.attempts >= MAX_ATTEMPTS:
        delivery.status = DeliveryStatus.FAILED
    delivery.save()
    if not ok and delivery.status == DeliveryStatus.PENDING:
        raise DeliveryFailed(error or f"HTTP {code}")
    return delivery
