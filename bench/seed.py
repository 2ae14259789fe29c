"""Seed a benchmark volume of tickets on PostgreSQL with COPY (1,000,000 in a few minutes).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sso_bench SECRET_KEY=x \\
        .venv/bin/python bench/seed.py --tickets 1000000 --days 730

The organization and catalog come from ``seed_demo`` (without its own tickets); tickets
arrive over the last ``--days`` days with weekday and business-hour peaks, priorities
5/20/50/25 %, due times from the real business-time engine on each service's calendar, most
answered and resolved in time and some not, and one team span per ticket for the OLA figures.
simple-history rows are not written for these (COPY bypasses the ORM), as for any bulk load.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sso.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from tqdm import tqdm  # noqa: E402

from catalog.business_time import CalendarSpec, add_business_time, business_minutes_between  # noqa: E402
from catalog.models import Service, ServiceLevel  # noqa: E402
from sso.models import Agency, User  # noqa: E402
from tickets.compliance_models import TeamOlaTarget  # noqa: E402
from tickets.models import KIND_PREFIX, TeamAssignment, Ticket, TicketNumberCounter  # noqa: E402

PRIORITY_WEIGHTS = [(1, 5), (2, 20), (3, 50), (4, 25)]
HOUR_WEIGHTS = [1] * 7 + [4, 10, 12, 12, 10, 8, 10, 11, 10, 8, 5] + [2] * 6  # local hour 0..23


def _copy(model, columns: list[str], rows) -> None:
    table = model._meta.db_table
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)


def _defaults(model, given: set[str]) -> dict[str, object]:
    """Every other concrete column gets the model default, so the seeder survives new fields."""
    values = {}
    for field in model._meta.concrete_fields:
        if field.column in given or field.primary_key:
            continue
        default = field.get_default()
        if isinstance(default, dict | list):
            default = json.dumps(default)
        values[field.column] = default
    return values


def seed(tickets: int, days: int, seed_value: int = 20261123) -> None:
    if connection.vendor != "postgresql":
        raise SystemExit("bench/seed.py needs PostgreSQL (set DATABASE_URL)")
    rng = random.Random(seed_value)
    call_command("migrate", verbosity=0)
    call_command("seed_demo", tickets=0)

    services = list(
        Service.objects.filter(lifecycle_state="live", calendar__isnull=False)
        .select_related("calendar", "owner_team")
        .prefetch_related("calendar__hours", "calendar__holidays")
    )
    if not services:
        raise SystemExit(
            "no live services with a calendar: seed_demo must create the catalog first"
        )
    levels = {
        (level.service_id, level.priority): level
        for level in ServiceLevel.objects.filter(request_type__isnull=True, service__in=services)
    }
    services = [s for s in services if all((s.pk, p) in levels for p in range(1, 5))]
    specs = {s.pk: CalendarSpec.from_calendar(s.calendar) for s in services}
    agencies = list(Agency.objects.exclude(onboarding_status="prospective"))
    requesters: dict[int, list[int]] = {}
    for user_id, agency_id in User.objects.filter(agency__isnull=False).values_list(
        "pk", "agency_id"
    ):
        requesters.setdefault(agency_id, []).append(user_id)
    agency_weights = [max(a.end_user_count, 50) for a in agencies]
    zones = {a.pk: ZoneInfo(a.timezone) for a in agencies}
    agents_by_team: dict[int, list[int]] = {}
    for service in services:
        if service.owner_team_id and service.owner_team_id not in agents_by_team:
            agents_by_team[service.owner_team_id] = list(
                service.owner_team.members.values_list("pk", flat=True)
            )

    now = datetime.now(UTC)
    start_day = (now - timedelta(days=days)).date()
    day_choices = [start_day + timedelta(days=i) for i in range(days)]
    day_weights = [1 if d.weekday() >= 5 else 6 for d in day_choices]
    # Continue the numbering the demo tickets (if any) started.
    counters = {(c.prefix, c.year): c.last for c in TicketNumberCounter.objects.all()}
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM tickets_ticket")
        next_id = cursor.fetchone()[0] + 1

    given = {
        "id",
        "number",
        "agency_id",
        "requester_id",
        "service_id",
        "kind",
        "title",
        "description",
        "impact",
        "urgency",
        "priority",
        "status",
        "team_id",
        "assignee_id",
        "tier",
        "opened_at",
        "first_response_at",
        "resolved_at",
        "closed_at",
        "sla_id",
        "response_due_at",
        "resolution_due_at",
        "response_breached",
        "resolution_breached",
        "created_at",
        "updated_at",
        "paused_since",
    }
    extra = _defaults(Ticket, given)
    columns = [*sorted(given), *extra]
    span_columns = [
        "ticket_id", "team_id", "started_at", "ended_at", "ola_target_minutes", "ola_due_at", "business_minutes",
    ]  # fmt: skip
    ola = {(t.team_id, t.priority): t.minutes for t in TeamOlaTarget.objects.all()}
    span_extra = _defaults(TeamAssignment, set(span_columns))
    span_columns += list(span_extra)

    batch_size = 20_000
    started = time.perf_counter()
    with tqdm(total=tickets, unit="ticket", desc="tickets") as bar:
        while tickets > 0:
            count = min(batch_size, tickets)
            rows, spans = [], []
            for _ in range(count):
                agency = rng.choices(agencies, agency_weights)[0]
                service = rng.choice(services)
                priority = rng.choices(
                    [p for p, _ in PRIORITY_WEIGHTS], [w for _, w in PRIORITY_WEIGHTS]
                )[0]
                level = levels[(service.pk, priority)]
                day = rng.choices(day_choices, day_weights)[0]
                hour = rng.choices(range(24), HOUR_WEIGHTS)[0]
                opened = datetime(
                    day.year, day.month, day.day, hour, rng.randrange(60), tzinfo=zones[agency.pk]
                )
                opened = opened.astimezone(UTC)
                if opened >= now:
                    opened = now - timedelta(minutes=rng.randrange(1, 600))
                spec = specs[service.pk]
                response_due = add_business_time(spec, opened, level.response_minutes)
                resolution_due = add_business_time(spec, opened, level.resolution_minutes)
                kind = rng.choices(["incident", "request", "change", "problem"], [55, 35, 7, 3])[0]
                prefix = KIND_PREFIX[kind]
                key = (prefix, opened.year)
                counters[key] = counters.get(key, 0) + 1
                # Most answered in time; one in eight late; the freshest may still be waiting.
                on_time = rng.random() < 0.88
                answer_by = (
                    response_due if on_time else response_due + timedelta(hours=rng.randint(1, 30))
                )
                first_response = opened + (answer_by - opened) * rng.uniform(0.2, 1.0)
                resolve_ok = rng.random() < 0.86
                resolve_by = (
                    resolution_due
                    if resolve_ok
                    else resolution_due + timedelta(hours=rng.randint(2, 96))
                )
                resolved = first_response + (resolve_by - first_response) * rng.uniform(0.3, 1.0)
                status, closed = "closed", None
                if first_response > now:
                    first_response, resolved, status = None, None, "new"
                elif resolved > now:
                    resolved, status = None, "in_progress"
                elif resolved > now - timedelta(days=5):
                    status = "resolved"
                else:
                    closed = resolved + timedelta(days=5)
                team_id = service.owner_team_id
                agents = agents_by_team.get(team_id) or [None]
                row = {
                    "id": next_id,
                    "number": f"{prefix}-{opened.year}-{counters[key]:06d}",
                    "agency_id": agency.pk,
                    "requester_id": rng.choice(requesters.get(agency.pk) or [None]),
                    "service_id": service.pk,
                    "kind": kind,
                    "title": f"{service.name}: {rng.choice(['cannot sign in', 'request access', 'error on save', 'slow', 'new account', 'report wrong', 'password reset', 'update record'])} #{next_id}",
                    "description": f"Reported by {agency.code} staff. Reference {rng.randrange(10**6):06d}.",
                    "impact": 2,
                    "urgency": 2,
                    "priority": priority,
                    "status": status,
                    "team_id": team_id,
                    "assignee_id": rng.choice(agents) if status != "new" else None,
                    "tier": 1,
                    "opened_at": opened,
                    "first_response_at": first_response,
                    "resolved_at": resolved,
                    "closed_at": closed,
                    "sla_id": level.pk,
                    "response_due_at": response_due,
                    "resolution_due_at": resolution_due,
                    "response_breached": (first_response is None and response_due < now)
                    or (first_response is not None and first_response > response_due),
                    "resolution_breached": (resolved is None and resolution_due < now)
                    or (resolved is not None and resolved > resolution_due),
                    "created_at": opened,
                    "updated_at": resolved or opened,
                    "paused_since": resolved if status == "resolved" else None,
                    **extra,
                }
                rows.append([row[c] for c in columns])
                if team_id:
                    target = ola.get((team_id, priority))
                    spans.append(
                        [
                            next_id,
                            team_id,
                            opened,
                            resolved,
                            target,
                            add_business_time(spec, opened, target) if target else None,
                            business_minutes_between(spec, opened, resolved) if resolved else None,
                            *span_extra.values(),
                        ]
                    )
                next_id += 1
            with transaction.atomic():
                _copy(Ticket, columns, rows)
                _copy(TeamAssignment, span_columns, spans)
            tickets -= count
            bar.update(count)
    with transaction.atomic(), connection.cursor() as cursor:
        for (prefix, year), last in counters.items():
            cursor.execute(
                "INSERT INTO tickets_ticketnumbercounter (prefix, year, last) VALUES (%s, %s, %s) "
                "ON CONFLICT (prefix, year) DO UPDATE SET last = GREATEST(tickets_ticketnumbercounter.last, EXCLUDED.last)",
                [prefix, year, last],
            )
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('tickets_ticket', 'id'), %s)", [next_id]
        )
    # Outside the transaction: VACUUM marks pages all-visible so counts can use index-only
    # scans, as autovacuum would on a real deployment after a bulk load.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE tickets_ticket")
        cursor.execute("VACUUM ANALYZE tickets_teamassignment")
    print(
        f"seeded in {time.perf_counter() - started:.0f} s; tickets now {Ticket.objects.count():,}"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=730)
    options = parser.parse_args()
    seed(options.tickets, options.days)
