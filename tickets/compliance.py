"""Nightly SLA and OLA compliance, computed in the database from the stored clock fields.

For each day (in TIME_ZONE), service, agency, priority and metric:

    met       tickets whose target was met that day: first response (or resolution) on that
              day, no later than its due time;
    breached  tickets whose target fell due that day and was not met by then: answered or
              resolved after the due time, or still waiting. A ticket whose clock was paused
              before its due time (waiting on the customer) is not breached: its due time moves
              when the clock resumes, and the day it then falls on counts it.

    compliance_pct = met / (met + breached) x 100, two places, half up.

Cancelled tickets and tickets with no SLA are left out. Every figure is a GROUP BY over an
indexed time column, so a day costs four queries whatever the volume and a two-year backfill
runs month by month. Rows are upserted per key and keys that no longer have tickets are
deleted, so a rerun (or a rerun after a crash) leaves exactly the rows of one clean run.
"""

from __future__ import annotations

import zoneinfo
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone

from catalog.models import ServiceLevel
from tickets.compliance_models import (
    Metric,
    SlaComplianceDay,
    SlaComplianceMonth,
    TeamComplianceDay,
)
from tickets.models import Status, TeamAssignment, Ticket

HUNDRED = Decimal("100")


class ComplianceRangeError(ValueError):
    """A date range that cannot be computed (reversed, or reaching past yesterday)."""


def local_zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def today_local() -> date:
    return timezone.now().astimezone(local_zone()).date()


def day_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    """[start of ``first``, start of the day after ``last``) as aware instants in TIME_ZONE."""
    tz = local_zone()
    return (
        datetime.combine(first, time.min, tzinfo=tz),
        datetime.combine(last + timedelta(days=1), time.min, tzinfo=tz),
    )


def percent(met: int, breached: int) -> Decimal:
    total = met + breached
    if total == 0:
        return HUNDRED.quantize(Decimal("0.01"))
    return (Decimal(met) * HUNDRED / Decimal(total)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )


def validate_range(first: date, last: date, *, allow_today: bool = False) -> None:
    if last < first:
        raise ComplianceRangeError(f"the range is reversed: {first} is after {last}")
    limit = today_local() if allow_today else today_local() - timedelta(days=1)
    if last > limit:
        raise ComplianceRangeError(
            f"{last} is not over yet: compliance can be computed up to {limit} (yesterday)"
        )


# --- the ticket SLA -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _MetricFields:
    met_at: str  # when the target was met
    due_at: str


METRIC_FIELDS = {
    Metric.RESPONSE: _MetricFields("first_response_at", "response_due_at"),
    Metric.RESOLUTION: _MetricFields("resolved_at", "resolution_due_at"),
}
KEY = ("service_id", "agency_id", "priority")


def _counted_tickets():
    return Ticket.objects.exclude(status=Status.CANCELLED).filter(sla__isnull=False)


def _met_rows(metric: str, start: datetime, end: datetime):
    fields = METRIC_FIELDS[metric]
    return (
        _counted_tickets()
        .filter(**{f"{fields.met_at}__gte": start, f"{fields.met_at}__lt": end})
        .filter(**{f"{fields.met_at}__lte": F(fields.due_at)})
        .annotate(day=TruncDate(fields.met_at, tzinfo=local_zone()))
        .values("day", *KEY)
        .annotate(n=Count("id"))
        .order_by()
    )


def _breached_rows(metric: str, start: datetime, end: datetime):
    fields = METRIC_FIELDS[metric]
    met_late = Q(**{f"{fields.met_at}__gt": F(fields.due_at)})
    # Still waiting, and the clock was running at the due time (not paused before it).
    still_waiting = Q(**{f"{fields.met_at}__isnull": True}) & (
        Q(paused_since__isnull=True) | Q(paused_since__gt=F(fields.due_at))
    )
    return (
        _counted_tickets()
        .filter(**{f"{fields.due_at}__gte": start, f"{fields.due_at}__lt": end})
        .filter(met_late | still_waiting)
        .annotate(day=TruncDate(fields.due_at, tzinfo=local_zone()))
        .values("day", *KEY)
        .annotate(n=Count("id"))
        .order_by()
    )


def _collect(first: date, last: date) -> dict[tuple, list[int]]:
    start, end = day_bounds(first, last)
    counts: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    for metric in METRIC_FIELDS:
        for row in _met_rows(metric, start, end):
            counts[(row["day"], row["service_id"], row["agency_id"], row["priority"], metric)][
                0
            ] += row["n"]
        for row in _breached_rows(metric, start, end):
            counts[(row["day"], row["service_id"], row["agency_id"], row["priority"], metric)][
                1
            ] += row["n"]
    return counts


def _store(model, rows: list, *, in_range, key: list[str], update: list[str]) -> int:
    """Make ``in_range`` hold exactly ``rows``, keyed by ``key``: insert new keys, update the
    rows whose figures changed, leave unchanged rows alone (so a rerun writes almost nothing),
    and delete the keys an earlier run stored that have no tickets now (a reopened, re-dated
    or cancelled ticket). ``computed_at`` says when a row's figures last changed."""
    key_names = [model._meta.get_field(name).attname for name in key]
    figures = [name for name in update if name != "computed_at"]
    stored = {
        tuple(values[: len(key_names)]): values[len(key_names) :]
        for values in in_range.values_list(*key_names, *figures, "pk")
    }
    changed = []
    for row in rows:
        previous = stored.pop(tuple(getattr(row, name) for name in key_names), None)
        if previous is None or list(previous[:-1]) != [getattr(row, name) for name in figures]:
            changed.append(row)
    if stored:  # what is left has no tickets any more
        model.objects.filter(pk__in=[values[-1] for values in stored.values()]).delete()
    model.objects.bulk_create(
        changed, batch_size=2000, update_conflicts=True, unique_fields=key, update_fields=update
    )
    return len(rows)


@transaction.atomic
def compute_days(first: date, last: date, *, now: datetime | None = None) -> int:
    """Compute and store the day rows for [first, last]; returns how many rows the range holds."""
    now = now or timezone.now()
    counts = _collect(first, last)
    rows = [
        SlaComplianceDay(
            date=day,
            service_id=service_id,
            agency_id=agency_id,
            priority=priority,
            metric=metric,
            met=met,
            breached=breached,
            compliance_pct=percent(met, breached),
            computed_at=now,
        )
        for (day, service_id, agency_id, priority, metric), (met, breached) in counts.items()
    ]
    return _store(
        SlaComplianceDay,
        rows,
        in_range=SlaComplianceDay.objects.filter(date__gte=first, date__lte=last),
        key=["date", "service", "agency", "priority", "metric"],
        update=["met", "breached", "compliance_pct", "computed_at"],
    )


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


@transaction.atomic
def compute_months(first: date, last: date, *, now: datetime | None = None) -> int:
    """Roll the day rows of every month touching [first, last] up into month rows."""
    now = now or timezone.now()
    begin, end = month_start(first), next_month(last)
    sums = (
        SlaComplianceDay.objects.filter(date__gte=begin, date__lt=end)
        .annotate(month=TruncMonth("date"))
        .values("month", "service_id", "agency_id", "priority", "metric")
        .annotate(met_sum=Sum("met"), breached_sum=Sum("breached"))
        .order_by()
    )
    targets = {
        (service_id, priority): target
        for service_id, priority, target in ServiceLevel.objects.filter(
            request_type__isnull=True
        ).values_list("service_id", "priority", "compliance_target_pct")
    }
    rows = [
        SlaComplianceMonth(
            month=row["month"],
            service_id=row["service_id"],
            agency_id=row["agency_id"],
            priority=row["priority"],
            metric=row["metric"],
            met=row["met_sum"],
            breached=row["breached_sum"],
            compliance_pct=percent(row["met_sum"], row["breached_sum"]),
            target_pct=targets.get((row["service_id"], row["priority"])),
            computed_at=now,
        )
        for row in sums
    ]
    return _store(
        SlaComplianceMonth,
        rows,
        in_range=SlaComplianceMonth.objects.filter(month__gte=begin, month__lt=end),
        key=["month", "service", "agency", "priority", "metric"],
        update=["met", "breached", "compliance_pct", "target_pct", "computed_at"],
    )


# --- team OLA -----------------------------------------------------------------------------------


@transaction.atomic
def compute_team_days(first: date, last: date, *, now: datetime | None = None) -> int:
    """Team spans: met when closed within the team's target, breached when closed late or
    still open past the target's due time (counted on the day it fell due)."""
    now = now or timezone.now()
    start, end = day_bounds(first, last)
    tz = local_zone()
    spans = TeamAssignment.objects.filter(ola_target_minutes__isnull=False).exclude(
        ticket__status=Status.CANCELLED
    )
    key = ("team_id", "ticket__service_id", "ticket__priority")
    counts: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    closed = spans.filter(ended_at__gte=start, ended_at__lt=end, business_minutes__isnull=False)
    for row in (
        closed.annotate(day=TruncDate("ended_at", tzinfo=tz))
        .values("day", *key)
        .annotate(
            met=Count("id", filter=Q(business_minutes__lte=F("ola_target_minutes"))),
            late=Count("id", filter=Q(business_minutes__gt=F("ola_target_minutes"))),
        )
        .order_by()
    ):
        entry = counts[
            (row["day"], row["team_id"], row["ticket__service_id"], row["ticket__priority"])
        ]
        entry[0] += row["met"]
        entry[1] += row["late"]
    still_open = spans.filter(
        ended_at__isnull=True, ola_due_at__gte=start, ola_due_at__lt=end, ola_due_at__lte=now
    )
    for row in (
        still_open.annotate(day=TruncDate("ola_due_at", tzinfo=tz))
        .values("day", *key)
        .annotate(n=Count("id"))
        .order_by()
    ):
        counts[(row["day"], row["team_id"], row["ticket__service_id"], row["ticket__priority"])][
            1
        ] += row["n"]
    rows = [
        TeamComplianceDay(
            date=day,
            team_id=team_id,
            service_id=service_id,
            priority=priority,
            met=met,
            breached=breached,
            compliance_pct=percent(met, breached),
            computed_at=now,
        )
        for (day, team_id, service_id, priority), (met, breached) in counts.items()
    ]
    return _store(
        TeamComplianceDay,
        rows,
        in_range=TeamComplianceDay.objects.filter(date__gte=first, date__lte=last),
        key=["date", "team", "service", "priority"],
        update=["met", "breached", "compliance_pct", "computed_at"],
    )


# --- entry points ---------------------------------------------------------------------------------


def compute_range(first: date, last: date, *, chunk_days: int = 31, on_chunk=None) -> dict:
    """Days, months and team days for [first, last], a month-sized chunk per transaction.

    A crash leaves whole chunks done and the rest untouched; running again redoes the range
    and ends with the rows one clean run leaves.
    """
    validate_range(first, last)
    totals = {"days": 0, "team_days": 0, "months": 0}
    now = timezone.now()
    cursor = first
    while cursor <= last:
        chunk_end = min(last, cursor + timedelta(days=chunk_days - 1))
        totals["days"] += compute_days(cursor, chunk_end, now=now)
        totals["team_days"] += compute_team_days(cursor, chunk_end, now=now)
        if on_chunk:
            on_chunk(cursor, chunk_end)
        cursor = chunk_end + timedelta(days=1)
    totals["months"] = compute_months(first, last, now=now)
    return totals


def compute_previous_days(days: int = 1) -> dict:
    """The nightly run: yesterday, and ``days - 1`` days before it to catch late changes."""
    yesterday = today_local() - timedelta(days=1)
    return compute_range(yesterday - timedelta(days=days - 1), yesterday)
