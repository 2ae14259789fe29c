"""Warnings before and at an SLA breach: in-app notices and e-mail to the assignee and the
team lead, and an automatic escalation where the SLA asks for one.

The breach itself is flagged by ``tickets.sla.mark_breaches``; this module tells people.
Each (ticket, metric, threshold, due time) is announced once (``SlaWarning``), so the job can
run every few minutes, twice, or after a crash without repeating itself. A due time that moves
(a pause, a priority change) is a new due time and may warn again.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, mailers
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from tickets import conf, webhooks
from tickets.compliance_models import Metric, Notice, SlaWarning
from tickets.models import Ticket
from tickets.webhook_models import WebhookEvent

log = logging.getLogger(__name__)

METRIC_FIELDS = {
    Metric.RESPONSE: ("first_response_at", "response_due_at", "response_warn_at"),
    Metric.RESOLUTION: ("resolved_at", "resolution_due_at", "resolution_warn_at"),
}


def _people_to_tell(ticket: Ticket):
    people = {}
    if ticket.assignee_id and ticket.assignee.is_active:
        people[ticket.assignee_id] = ticket.assignee
    lead = ticket.team.lead if ticket.team_id else None
    if lead is not None and lead.is_active:
        people[lead.pk] = lead
    return list(people.values())


def _announce(tickets, metric: str, threshold: int, due_field: str, now: datetime) -> int:
    """Record and send one warning per ticket; returns how many were new."""
    sent = 0
    messages = []
    for ticket in tickets:
        due_at = getattr(ticket, due_field)
        try:
            with transaction.atomic():
                SlaWarning.objects.create(
                    ticket=ticket,
                    metric=metric,
                    threshold_pct=threshold,
                    due_at=due_at,
                    sent_at=now,
                )
        except IntegrityError:
            continue  # another run announced it first
        what = "first response" if metric == Metric.RESPONSE else "resolution"
        if threshold >= 100:
            text = (
                f"{ticket.number}: the {what} target was missed (due {due_at:%Y-%m-%d %H:%M} UTC)."
            )
        else:
            text = f"{ticket.number}: {threshold}% of the {what} target used; due {due_at:%Y-%m-%d %H:%M} UTC."
        people = _people_to_tell(ticket)
        Notice.objects.bulk_create(
            Notice(user=p, ticket=ticket, message=text, created_at=now) for p in people
        )
        recipients = sorted({p.email for p in people if p.email})
        if recipients:
            messages.append(
                EmailMessage(
                    subject=f"[{ticket.number}] SLA {'breached' if threshold >= 100 else 'warning'}",
                    body=f"{text}\n\n{ticket.title}",
                    to=recipients,
                )
            )
        sent += 1
    if messages:
        try:
            mailers.default.send_messages(messages)
        except Exception:  # a mail outage must not stop the job; the notices are stored
            log.exception("SLA warning e-mail could not be sent")
    return sent


def send_warnings(now: datetime | None = None) -> dict[str, int]:
    """Early warnings for running tickets past the warning threshold but not yet due."""
    now = now or timezone.now()
    threshold = conf.sla_warning_pct()
    result = {}
    for metric, (met_field, due_field, warn_field) in METRIC_FIELDS.items():
        already = SlaWarning.objects.filter(
            ticket=OuterRef("pk"),
            metric=metric,
            threshold_pct=threshold,
            due_at=OuterRef(due_field),
        )
        candidates = (
            Ticket.objects.running()
            .filter(
                **{f"{met_field}__isnull": True, f"{warn_field}__lte": now, f"{due_field}__gt": now}
            )
            .exclude(Exists(already))
            .select_related("assignee", "team__lead")
        )
        result[metric] = _announce(candidates, metric, threshold, due_field, now)
    return result


def announce_breaches(
    breached: dict[str, list[int]], now: datetime | None = None
) -> dict[str, int]:
    """Tell people about tickets ``mark_breaches`` just flagged; escalate where the SLA says so."""
    now = now or timezone.now()
    result = {}
    for metric, ids in breached.items():
        if not ids:
            result[metric] = 0
            continue
        _met, due_field, _warn = METRIC_FIELDS[metric]
        tickets = list(
            Ticket.objects.filter(pk__in=ids).select_related(
                "assignee", "team__lead", "sla", "agency", "service"
            )
        )
        result[metric] = _announce(tickets, metric, 100, due_field, now)
        with transaction.atomic():
            for ticket in tickets:
                webhooks.emit(WebhookEvent.BREACHED, ticket, metric=metric)
        escalate_ids = [
            t.pk for t in tickets if t.sla_id and getattr(t.sla, "escalate_on_breach", False)
        ]
        for pk in escalate_ids:
            _auto_escalate(pk, metric, now)
    return result


def _auto_escalate(ticket_id: int, metric: str, now: datetime) -> None:
    from tickets import triage
    from tickets.errors import TransitionNotAllowed

    try:
        triage.escalate(
            ticket_id,
            acting_user=None,
            reason=f"Automatic escalation: the {metric} target was missed.",
            at=now,
        )
    except (TransitionNotAllowed, ValidationError) as exc:  # tier 3 already, no team above
        log.info("ticket %s not escalated: %s", ticket_id, exc)
