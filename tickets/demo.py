"""Demo tickets: months of history with weekday and business-hour peaks, pauses, replies,
resolutions and some breaches.

Idempotent: a rerun adds only the tickets missing to reach the target. The bulk path writes
rows with ``bulk_create`` in batches of 5,000 (no simple-history rows: history is for
changes people make; the timeline events are written). Clock fields are computed per ticket
with the catalog's engine, exactly as live tickets get them, so the nightly compliance job
reads realistic data. ``--tickets 1000000`` is the benchmark size.
"""

import random
import sys
import time
from collections import Counter
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from tqdm import tqdm

from catalog.business_time import CalendarSpec, add_business_time
from catalog.models import Service, ServiceLevel, TicketKind
from sso.models import Role, User
from tickets.models import (
    Comment,
    EventKind,
    Status,
    TeamAssignment,
    Ticket,
    TicketEvent,
)
from tickets.workflow import reserve_numbers

DEFAULT_TICKETS = 1500
DAYS = 120
BATCH = 5000
HOUR_WEIGHTS = [0.1] * 7 + [0.6, 1.0, 1.6, 1.5, 1.2, 0.9, 1.3, 1.3, 1.0, 0.7, 0.4] + [0.15] * 6
TITLES = {
    "it": [
        "Laptop will not boot",
        "VPN disconnects",
        "Password reset",
        "New monitor",
        "Printer offline",
        "Email quota full",
        "Teams audio broken",
        "Software install",
    ],
    "hr": ["Update address", "Leave balance wrong", "Onboarding new hire", "Benefits question"],
    "payroll": [
        "Missing overtime",
        "Wrong tax withholding",
        "Pay stub not visible",
        "Direct deposit change",
    ],
    "finance": ["Invoice stuck in approval", "Vendor not in ledger", "Budget transfer"],
    "procurement": ["Purchase order for chairs", "Contract renewal", "Quote comparison"],
}


def _out(stdout, text):
    if stdout is not None:
        stdout.write(text)


def _arrival(rng, now):
    """An opening time: weekdays and business hours much busier than nights and weekends."""
    while True:
        day = now - timedelta(days=rng.random() * DAYS)
        weekend = day.weekday() >= 5
        if weekend and rng.random() > 0.15:
            continue
        hour = rng.choices(range(24), weights=HOUR_WEIGHTS)[0]
        # Hours in New York (UTC-4/-5): shift so the peaks fall in the working day there.
        opened = day.replace(
            hour=(hour + 4) % 24, minute=rng.randrange(60), second=0, microsecond=0
        )
        if opened < now:
            return opened


def seed(stdout=None, tickets=None, **options):
    target = DEFAULT_TICKETS if tickets is None else int(tickets)
    existing = Ticket.objects.count()
    missing = target - existing
    if missing <= 0:
        _out(stdout, f"tickets: {existing} already there, nothing to add.")
        return {"created": 0}
    services = list(
        Service.objects.live()
        .filter(calendar__isnull=False)
        .select_related("owner_team", "calendar")
        .prefetch_related("calendar__hours", "calendar__holidays", "request_types")
    )
    if not services:
        _out(stdout, "tickets: no live services with a calendar yet; skipping demo tickets.")
        return {"created": 0}
    requesters = list(
        User.objects.filter(agency__isnull=False, role_grants__role=Role.REQUESTER, is_active=True)
        .select_related("agency")
        .distinct()
    )
    agents = list(
        User.objects.filter(agency__isnull=True, role_grants__role=Role.AGENT, is_active=True)
        .prefetch_related("teams")
        .distinct()
    )
    if not requesters or not agents:
        _out(stdout, "tickets: no agency requesters or agents yet; skipping demo tickets.")
        return {"created": 0}
    specs = {s.pk: CalendarSpec.from_calendar(s.calendar) for s in services}
    levels = {}
    for level in ServiceLevel.objects.filter(request_type__isnull=True):
        levels[(level.service_id, level.priority)] = level
    agents_by_team = {}
    for agent in agents:
        for team in agent.teams.all():
            agents_by_team.setdefault(team.pk, []).append(agent)

    rng = random.Random(20261001 + existing)
    now = timezone.now()
    started = time.monotonic()
    progress = tqdm(
        total=missing,
        desc="seeding tickets",
        disable=stdout is None,
        file=sys.stderr,
        mininterval=1,
    )
    done = 0
    while done < missing:
        # Plan and write one batch at a time so a million tickets never sit in memory at once.
        size = min(BATCH, missing - done)
        chunk = [
            _plan(rng, now, services, specs, levels, requesters, agents, agents_by_team)
            for _ in range(size)
        ]
        chunk.sort(key=lambda p: p["ticket"].opened_at)
        with transaction.atomic():
            counts = Counter((p["ticket"].kind, p["ticket"].opened_at.year) for p in chunk)
            numbers = {key: iter(reserve_numbers(key[0], key[1], n)) for key, n in counts.items()}
            for plan in chunk:
                ticket = plan["ticket"]
                ticket.number = next(numbers[(ticket.kind, ticket.opened_at.year)])
            created = Ticket.objects.bulk_create([p["ticket"] for p in chunk], batch_size=BATCH)
            events, comments, spans = [], [], []
            for plan, ticket in zip(chunk, created, strict=True):
                for row in plan["events"]:
                    events.append(TicketEvent(ticket_id=ticket.pk, **row))
                for row in plan["comments"]:
                    comments.append(Comment(ticket_id=ticket.pk, **row))
                if ticket.team_id:
                    spans.append(
                        TeamAssignment(
                            ticket_id=ticket.pk,
                            team_id=ticket.team_id,
                            started_at=ticket.opened_at,
                            ended_at=ticket.closed_at,
                        )
                    )
            TicketEvent.objects.bulk_create(events, batch_size=BATCH)
            Comment.objects.bulk_create(comments, batch_size=BATCH)
            TeamAssignment.objects.bulk_create(spans, batch_size=BATCH)
        done += size
        progress.update(size)
    plans = range(done)
    progress.close()
    elapsed = time.monotonic() - started
    _out(
        stdout,
        f"tickets: added {len(plans)} in {elapsed:.1f} s "
        f"({len(plans) / max(elapsed, 0.001):.0f} tickets/s).",
    )
    return {"created": len(plans)}


def _plan(rng, now, services, specs, levels, requesters, agents, agents_by_team):
    service = rng.choice(services)
    spec = specs[service.pk]
    requester = rng.choice(requesters)
    opened = _arrival(rng, now)
    impact, urgency = rng.choices([1, 2, 3], weights=[1, 4, 6])[0], rng.choice([1, 2, 2, 3, 3])
    priority = min(4, impact + urgency - 1)
    level = levels.get((service.pk, priority))
    request_types = list(service.request_types.all())
    request_type = rng.choice(request_types) if request_types and rng.random() < 0.6 else None
    kind = request_type.default_kind if request_type else TicketKind.INCIDENT
    team = service.owner_team
    team_agents = agents_by_team.get(team.pk if team else None) or agents
    agent = rng.choice(team_agents)
    titles = TITLES.get(service.category, TITLES["it"])
    ticket = Ticket(
        agency_id=requester.agency_id,
        requester=requester,
        service=service,
        request_type=request_type,
        kind=kind,
        title=rng.choice(titles),
        description="Demo ticket. " + rng.choice(titles).lower() + " since this morning.",
        impact=impact,
        urgency=urgency,
        priority=priority,
        team=team,
        tier=team.tier if team else 1,
        opened_at=opened,
        sla=level,
        status=Status.NEW,
    )
    events = [
        {
            "kind": EventKind.CREATED,
            "at": opened,
            "actor_id": requester.pk,
            "to_status": Status.NEW,
            "data": {"priority": priority},
        }
    ]
    comments = []
    if level is None:
        return {"ticket": ticket, "events": events, "comments": comments}
    ticket.response_due_at = add_business_time(spec, opened, level.response_minutes)
    # Most first replies land well inside the target; about one in ten is late.
    response_after = int(level.response_minutes * rng.uniform(0.05, 1.15))
    first_response = add_business_time(spec, opened, max(1, response_after))
    if first_response > now:
        ticket.resolution_due_at = add_business_time(spec, opened, level.resolution_minutes)
        ticket.response_breached = now > ticket.response_due_at
        ticket.resolution_breached = now > ticket.resolution_due_at
        return {"ticket": ticket, "events": events, "comments": comments}
    ticket.first_response_at = first_response
    ticket.response_breached = first_response > ticket.response_due_at
    ticket.assignee = agent
    ticket.status = Status.IN_PROGRESS
    comments.append(
        {
            "author_id": agent.pk,
            "body": "Thanks, we are looking into it.",
            "created_at": first_response,
        }
    )
    events.append(
        {
            "kind": EventKind.TRANSITION,
            "at": first_response,
            "actor_id": agent.pk,
            "from_status": Status.NEW,
            "to_status": Status.IN_PROGRESS,
        }
    )
    paused = 0
    if rng.random() < 0.3:
        paused = rng.choice([30, 60, 120, 240, 480, 960])
        pause_start = first_response
        pause_end = add_business_time(spec, pause_start, paused)
        if pause_end > now:
            ticket.status = Status.WAITING_ON_CUSTOMER
            ticket.paused_since = pause_start
            ticket.resolution_due_at = add_business_time(spec, opened, level.resolution_minutes)
            ticket.resolution_breached = pause_start > ticket.resolution_due_at
            events.append(
                {
                    "kind": EventKind.TRANSITION,
                    "at": pause_start,
                    "actor_id": agent.pk,
                    "from_status": Status.IN_PROGRESS,
                    "to_status": Status.WAITING_ON_CUSTOMER,
                }
            )
            return {"ticket": ticket, "events": events, "comments": comments}
        events.append(
            {
                "kind": EventKind.TRANSITION,
                "at": pause_start,
                "actor_id": agent.pk,
                "from_status": Status.IN_PROGRESS,
                "to_status": Status.WAITING_ON_CUSTOMER,
            }
        )
        events.append(
            {
                "kind": EventKind.TRANSITION,
                "at": pause_end,
                "actor_id": requester.pk,
                "from_status": Status.WAITING_ON_CUSTOMER,
                "to_status": Status.IN_PROGRESS,
            }
        )
        comments.append(
            {
                "author_id": requester.pk,
                "body": "Here is what you asked for.",
                "created_at": pause_end,
            }
        )
    ticket.paused_minutes = paused
    ticket.resolution_due_at = add_business_time(spec, opened, level.resolution_minutes + paused)
    work = int(level.resolution_minutes * rng.uniform(0.1, 1.2)) + paused
    resolved = add_business_time(spec, opened, max(work, response_after + paused + 1))
    if resolved > now:
        ticket.resolution_breached = now > ticket.resolution_due_at
        return {"ticket": ticket, "events": events, "comments": comments}
    ticket.status = Status.RESOLVED
    ticket.resolved_at = resolved
    ticket.paused_since = resolved
    ticket.resolution_breached = resolved > ticket.resolution_due_at
    events.append(
        {
            "kind": EventKind.TRANSITION,
            "at": resolved,
            "actor_id": agent.pk,
            "from_status": Status.IN_PROGRESS,
            "to_status": Status.RESOLVED,
            "note": "Fixed.",
        }
    )
    if resolved < now - timedelta(days=5):
        ticket.status = Status.CLOSED
        ticket.closed_at = resolved + timedelta(days=5)
        events.append(
            {
                "kind": EventKind.TRANSITION,
                "at": ticket.closed_at,
                "from_status": Status.RESOLVED,
                "to_status": Status.CLOSED,
                "note": "Closed automatically 5 days after resolution.",
            }
        )
    return {"ticket": ticket, "events": events, "comments": comments}
