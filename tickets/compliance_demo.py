"""Demo OLA targets and the compliance figures for the demo tickets, so the SLA pages have
something to show the day the demo starts (the nightly job keeps them up to date after)."""

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Min

from sso.models import Team
from tickets import compliance, sla
from tickets.compliance_models import TeamOlaTarget
from tickets.models import TeamAssignment, Ticket

# Business minutes a ticket may sit with a team, by tier and priority.
OLA_MINUTES = {
    1: {1: 60, 2: 240, 3: 480, 4: 960},
    2: {1: 180, 2: 480, 3: 1440, 4: 2400},
    3: {1: 240, 2: 960, 3: 2400, 4: 4800},
}
# Spans above this many are left to the bench seeder, which computes OLA fields in bulk.
MAX_SPANS_TO_MEASURE = 50_000


def _seed_targets() -> int:
    existing = set(TeamOlaTarget.objects.values_list("team_id", "priority"))
    targets = [
        TeamOlaTarget(
            team=team, priority=priority, minutes=minutes, compliance_target_pct=Decimal("85.00")
        )
        for team in Team.objects.all()
        for priority, minutes in OLA_MINUTES[team.tier].items()
        if (team.pk, priority) not in existing
    ]
    for target in targets:
        target.save()  # one by one: history records each target
    return len(targets)


@transaction.atomic
def measure_spans() -> int:
    """Give spans written in bulk (demo, imports) their OLA target, due time and minutes."""
    spans = TeamAssignment.objects.filter(ola_target_minutes__isnull=True).select_related(
        "ticket__service__calendar"
    )
    if spans.count() > MAX_SPANS_TO_MEASURE:
        return 0
    targets = {(t.team_id, t.priority): t.minutes for t in TeamOlaTarget.objects.all()}
    measured = []
    for span in spans:
        ticket = span.ticket
        target = targets.get((span.team_id, ticket.priority))
        spec = sla.calendar_spec(ticket.service)
        if target is None or spec is None:
            continue
        span.ola_target_minutes = target
        span.ola_due_at = compliance_due(spec, span.started_at, target)
        if span.ended_at is not None:
            span.business_minutes = sla.span_business_minutes(
                ticket, span.started_at, span.ended_at, span.paused_minutes_at_start
            )
        measured.append(span)
    TeamAssignment.objects.bulk_update(
        measured, ["ola_target_minutes", "ola_due_at", "business_minutes"], batch_size=2000
    )
    return len(measured)


def compliance_due(spec, start, minutes):
    from catalog.business_time import add_business_time

    return add_business_time(spec, start, minutes)


def seed(stdout=None, **options) -> dict:
    targets = _seed_targets()
    spans = measure_spans()
    first = Ticket.objects.aggregate(first=Min("opened_at"))["first"]
    totals = {"days": 0, "months": 0, "team_days": 0}
    if first is not None:
        yesterday = compliance.today_local() - timedelta(days=1)
        first_day = first.astimezone(compliance.local_zone()).date()
        if first_day <= yesterday:
            totals = compliance.compute_range(first_day, yesterday)
    if stdout:
        stdout.write(
            f"compliance: +{targets} OLA targets, {spans} spans measured, "
            f"{totals['days']} day rows, {totals['months']} month rows, {totals['team_days']} team rows"
        )
    return totals
