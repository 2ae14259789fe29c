"""Periodic ticket jobs (beat schedule in sso/settings.py). Thin: each calls an operation.

Every job holds a lock (``sso.jobs.exclusive``) so two runs never overlap, is idempotent,
retries on database errors with backoff, and has a management command for backfills.
"""

import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from sso.jobs import JobAlreadyRunning, exclusive

log = logging.getLogger(__name__)

RETRY = {
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": 30,
    "retry_backoff_max": 600,
    "max_retries": 5,
}


@shared_task(
    name="tickets.compute_sla_compliance", soft_time_limit=25 * 60, time_limit=30 * 60, **RETRY
)
def compute_sla_compliance(days: int | None = None):
    """Nightly: compliance for yesterday (and a few days before it, to catch late changes)."""
    from django.conf import settings

    from tickets import compliance

    days = days or int(getattr(settings, "SLA_COMPLIANCE_LOOKBACK_DAYS", 3))
    try:
        with exclusive("compute_sla_compliance", timeout=60 * 60):
            totals = compliance.compute_previous_days(days)
    except JobAlreadyRunning:
        log.info("compute_sla_compliance skipped: another run holds the lock")
        return {"skipped": True}
    return dict(totals.items())


@shared_task(name="tickets.watch_sla", soft_time_limit=4 * 60, time_limit=5 * 60, **RETRY)
def watch_sla():
    """Every few minutes: flag breaches as they happen, warn before they do, escalate."""
    from tickets import sla, sla_alerts

    now = timezone.now()
    try:
        with exclusive("watch_sla", timeout=10 * 60):
            breached = sla.mark_breaches(now)
            announced = sla_alerts.announce_breaches(breached, now)
            warned = sla_alerts.send_warnings(now)
    except JobAlreadyRunning:
        return {"skipped": True}
    return {
        "breached": {k: len(v) for k, v in breached.items()},
        "announced": announced,
        "warned": warned,
    }


@shared_task(name="tickets.close_resolved", soft_time_limit=25 * 60, time_limit=30 * 60, **RETRY)
def close_resolved():
    """Daily: close tickets resolved more than TICKETS_AUTO_CLOSE_DAYS ago."""
    from tickets import workflow

    try:
        with exclusive("close_resolved", timeout=60 * 60):
            return {"closed": workflow.close_resolved()}
    except JobAlreadyRunning:
        return {"skipped": True}


@shared_task(
    name="tickets.deliver_webhook",
    bind=True,
    max_retries=5,
    soft_time_limit=30,
    time_limit=60,
    ignore_result=True,
)
def deliver_webhook(self, delivery_id: int):
    """POST one webhook delivery; on failure retry after 30 s, 1, 2, 4, 8 minutes."""
    from tickets import webhooks

    try:
        webhooks.attempt(delivery_id)
    except webhooks.DeliveryFailed as exc:
        if self.request.is_eager:
            return  # the embedded default has no broker to retry with; the log shows the failure
        raise self.retry(exc=exc, countdown=30 * 2**self.request.retries) from exc
