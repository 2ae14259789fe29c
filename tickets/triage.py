"""Triage: assignment, escalation, priority and service changes, routing on demand.

Every reassignment is a timeline event and a ``TeamAssignment`` span, so per-team targets can
be measured later. Each operation locks the ticket row and runs in one transaction.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from catalog.models import Lifecycle, RequestType, Service
from sso import permissions
from sso.models import Team, User
from tickets import notifications, routing, sla, workflow
from tickets.errors import ServiceNotAcceptingTickets
from tickets.models import OPEN_STATUSES, EventKind, Status, Ticket
from tickets.priority import clean_level, clean_priority, priority_for


def _require_worker(user, ticket: Ticket) -> None:
    if not workflow._is_worker(user, ticket):
        raise PermissionDenied("Only the service desk and its teams triage tickets.")


def dispatcher_queue(user):
    """Untriaged tickets the user may see, the most urgent SLA first."""
    from tickets.queries import ticket_list

    return (
        ticket_list(user)
        .filter(status=Status.NEW)
        .order_by(F("response_due_at").asc(nulls_last=True), "opened_at", "pk")
    )


def _set_assignment(ticket, *, team, assignee, acting_user, at, kind, note="", tier=None):
    """Apply team/assignee/tier to the locked ticket; event, span, notice. Returns changed."""
    changes = {}
    if team is not None and team.pk != ticket.team_id:
        changes["team"] = (ticket.team.name if ticket.team_id else None, team.name)
        ticket.team = team
        if tier is None:
            tier = team.tier
    if tier is not None and tier != ticket.tier:
        changes["tier"] = (ticket.tier, tier)
        ticket.tier = tier
    new_assignee_id = assignee.pk if assignee else None
    if assignee is not False and new_assignee_id != ticket.assignee_id:
        changes["assignee"] = (
            ticket.assignee.username if ticket.assignee_id else None,
            assignee.username if assignee else None,
        )
        ticket.assignee = assignee or None
    if not changes and kind != EventKind.ESCALATION:
        return False
    ticket._history_user = acting_user
    ticket.save()
    workflow.record_event(
        ticket,
        kind,
        actor=acting_user,
        at=at,
        note=note,
        **workflow.describe_changes(changes),
    )
    workflow.move_team_span(ticket, ticket.team_id, at)
    if ticket.status == Status.NEW and (ticket.assignee_id or "team" in changes):
        # Taking a ticket out of the dispatcher's queue is triage.
        workflow._apply_transition(
            ticket, Status.TRIAGED, acting_user=acting_user, note="Assigned.", at=at
        )
    notifications.ticket_assigned(ticket)
    return True


def _validate_assignee(assignee: User | None, team: Team | None) -> None:
    if assignee is None or assignee is False:
        return
    if not permissions.is_provider(assignee) or not permissions.has_role(
        assignee, "agent", "service_owner", "admin"
    ):
        raise ValidationError({"assignee": ["Tickets are assigned to provider agents."]})
    if team is not None and not team.members.filter(pk=assignee.pk).exists():
        raise ValidationError({"assignee": [f"{assignee.username} is not in {team.name}."]})


@transaction.atomic
def assign(
    ticket: Ticket | int,
    *,
    acting_user: User,
    team: Team | None = None,
    assignee: User | bool | None = False,
    note: str = "",
    at=None,
) -> Ticket:
    """Assign to a team and/or a person (``assignee=None`` unassigns, False leaves it)."""
    ticket = workflow.lock(ticket)
    workflow.require_open(ticket)
    _require_worker(acting_user, ticket)
    at = workflow.clean_event_time(ticket, at, acting_user=acting_user)
    _validate_assignee(assignee, team or ticket.team)
    _set_assignment(
        ticket,
        team=team,
        assignee=assignee,
        acting_user=acting_user,
        at=at,
        kind=EventKind.ASSIGNMENT,
        note=note,
    )
    return ticket


def bulk_assign(
    ticket_ids, *, acting_user: User, team: Team | None = None, assignee=False
) -> list[Ticket]:
    """Assign many visible tickets at once, all or nothing."""
    visible_ids = list(
        permissions.visible(Ticket.objects.filter(pk__in=list(ticket_ids)), acting_user)
        .filter(status__in=OPEN_STATUSES)
        .values_list("pk", flat=True)
    )
    with transaction.atomic():
        return [
            assign(pk, acting_user=acting_user, team=team, assignee=assignee)
            for pk in sorted(visible_ids)
        ]


@transaction.atomic
def escalate(
    ticket: Ticket | int,
    *,
    acting_user: User,
    reason: str,
    team: Team | None = None,
    at=None,
) -> Ticket:
    """Move the ticket to the next tier (a team of that tier), with a reason in the timeline.

    ``acting_user`` None is the system (the SLA watch escalating a breach), acting now.
    """
    ticket = workflow.lock(ticket)
    workflow.require_open(ticket)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ["Say why the ticket is escalated."]})
    if acting_user is None:
        at = timezone.now()
    else:
        _require_worker(acting_user, ticket)
        at = workflow.clean_event_time(ticket, at, acting_user=acting_user)
    next_tier = ticket.tier + 1
    if team is None:
        if ticket.tier >= 3:
            raise workflow.TransitionNotAllowed(
                f"{ticket.number} is already at tier 3; assign it to another team instead."
            )
        team = Team.objects.filter(tier=next_tier).order_by("name").first()
        if team is None:
            raise ValidationError({"team": [f"No team works at tier {next_tier}."]})
    elif team.tier <= ticket.tier:
        raise ValidationError({"team": [f"Escalate to a team above tier {ticket.tier}."]})
    _set_assignment(
        ticket,
        team=team,
        assignee=None,
        acting_user=acting_user,
        at=at,
        kind=EventKind.ESCALATION,
        note=reason,
        tier=team.tier,
    )
    return ticket


@transaction.atomic
def change_priority(
    ticket: Ticket | int,
    *,
    acting_user: User,
    priority=None,
    impact=None,
    urgency=None,
    reason: str = "",
    at=None,
) -> Ticket:
    """New impact/urgency (through the matrix) or an explicit priority; due times recomputed."""
    ticket = workflow.lock(ticket)
    workflow.require_open(ticket)
    _require_worker(acting_user, ticket)
    at = workflow.clean_event_time(ticket, at, acting_user=acting_user)
    old = {"priority": ticket.priority, "impact": ticket.impact, "urgency": ticket.urgency}
    if impact not in (None, ""):
        ticket.impact = clean_level(impact, "impact")
    if urgency not in (None, ""):
        ticket.urgency = clean_level(urgency, "urgency")
    if priority not in (None, ""):
        ticket.priority = clean_priority(priority)
    else:
        ticket.priority = priority_for(ticket.impact, ticket.urgency)
    new = {"priority": ticket.priority, "impact": ticket.impact, "urgency": ticket.urgency}
    if new == old:
        return ticket
    sla.apply_service_level(ticket)
    newly = sla.check_breaches(ticket, at, legacy=workflow.is_legacy(at))
    ticket._history_user = acting_user
    ticket.save()
    workflow.record_event(
        ticket,
        EventKind.PRIORITY,
        actor=acting_user,
        at=at,
        note=reason,
        **{k: {"from": old[k], "to": new[k]} for k in new if old[k] != new[k]},
    )
    for metric in newly:
        workflow.record_event(
            ticket, EventKind.BREACH, actor=None, at=at, note=f"{metric} target missed."
        )
    return ticket


@transaction.atomic
def change_service(
    ticket: Ticket | int,
    *,
    acting_user: User,
    service: Service,
    request_type: RequestType | None = None,
    reason: str = "",
    at=None,
) -> Ticket:
    """Re-file under another (live) service; the SLA follows, paused time is kept."""
    ticket = workflow.lock(ticket)
    workflow.require_open(ticket)
    _require_worker(acting_user, ticket)
    at = workflow.clean_event_time(ticket, at, acting_user=acting_user)
    if service.lifecycle_state != Lifecycle.LIVE:
        raise ServiceNotAcceptingTickets(f"{service.code} is not live.", service=service.code)
    if request_type is not None and request_type.service_id != service.pk:
        raise ValidationError({"request_type": ["That request type belongs to another service."]})
    old = (ticket.service.code, ticket.request_type_id)
    ticket.service = service
    ticket.request_type = request_type
    sla.apply_service_level(ticket)
    ticket._history_user = acting_user
    ticket.save()
    workflow.record_event(
        ticket,
        EventKind.SERVICE,
        actor=acting_user,
        at=at,
        note=reason,
        service={"from": old[0], "to": service.code},
    )
    return ticket


@transaction.atomic
def rerun_rules(ticket: Ticket | int, *, acting_user: User) -> routing.RoutingOutcome:
    """Run the routing rules again (after the rules or the ticket changed)."""
    ticket = workflow.lock(ticket)
    workflow.require_open(ticket)
    _require_worker(acting_user, ticket)
    at = workflow.clean_event_time(ticket, None, acting_user=acting_user)
    before = {
        "team_id": ticket.team_id,
        "priority": ticket.priority,
        "tier": ticket.tier,
        "assignee_id": ticket.assignee_id,
    }
    outcome = routing.evaluate(ticket)
    if not outcome.matched:
        return outcome
    if ticket.priority != before["priority"]:
        sla.apply_service_level(ticket)
    ticket._history_user = acting_user
    ticket.save()
    workflow.record_event(
        ticket,
        EventKind.ROUTING,
        actor=acting_user,
        at=at,
        internal=True,
        note=", ".join(rule.name for rule in outcome.rules),
        **workflow.describe_changes(workflow._readable(outcome.changes)),
    )
    workflow.move_team_span(ticket, ticket.team_id, at)
    workflow.add_tags(ticket, outcome.tags)
    if ticket.team_id != before["team_id"] or ticket.assignee_id != before["assignee_id"]:
        notifications.ticket_assigned(ticket)
    return outcome


@transaction.atomic
def update_details(
    ticket: Ticket | int,
    *,
    acting_user: User,
    title=None,
    description=None,
    tags=None,
    watchers=None,
) -> Ticket:
    """Title, description, tags and watchers (history records who changed what)."""
    ticket = workflow.lock(ticket)
    workflow.require_open(ticket)
    _require_worker(acting_user, ticket)
    changed = False
    if title is not None:
        title = workflow._clean_text(title, "title", required=True, max_length=200)
        changed |= title != ticket.title
        ticket.title = title
    if description is not None:
        description = workflow._clean_text(
            description, "description", required=False, max_length=50_000
        )
        changed |= description != ticket.description
        ticket.description = description
    if changed:
        ticket._history_user = acting_user
        ticket.save()
    if tags is not None:
        ticket.tags.clear()
        workflow.add_tags(ticket, tags)
    if watchers is not None:
        if any(w.agency_id not in (None, ticket.agency_id) for w in watchers):
            raise ValidationError(
                {"watchers": ["Watchers must be provider staff or staff of the ticket's agency."]}
            )
        ticket.watchers.set(watchers)
    return ticket
