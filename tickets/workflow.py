"""Filing tickets and moving them through the workflow: one function for each.

``create_ticket`` and ``transition`` are the only ways a ticket is born or changes status; the
pages, the API, the import command and the demo seed call them. Each runs in one transaction
with the ticket row locked, records a timeline event, and queues e-mail on commit.

    new -> triaged -> in_progress -> resolved -> closed
    waiting_on_customer / waiting_on_third_party pause the clock; cancelled ends it
    awaiting_approval (requests that need it) -> new (approved) or cancelled (rejected)
    resolved -> in_progress is a reopen, within TICKETS_REOPEN_WINDOW_DAYS
"""

from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from catalog.business_time import CalendarError, add_business_time
from catalog.forms_schema import validate_values
from catalog.models import Lifecycle, RequestType, Service, TicketKind
from sso import permissions
from sso.models import Agency, Role, Team, User
from tickets import conf, notifications, routing, sla, webhooks
from tickets.errors import ServiceNotAcceptingTickets, TicketClosed, TransitionNotAllowed
from tickets.models import (
    FINAL_STATUSES,
    KIND_PREFIX,
    PAUSED_STATUSES,
    Comment,
    EventKind,
    Status,
    Tag,
    TeamAssignment,
    Ticket,
    TicketEvent,
    TicketNumberCounter,
)
from tickets.priority import clean_level, clean_priority, priority_for
from tickets.webhook_models import WebhookEvent

S = Status
ALLOWED: dict[str, frozenset[str]] = {
    S.NEW: frozenset(
        {
            S.TRIAGED,
            S.IN_PROGRESS,
            S.WAITING_ON_CUSTOMER,
            S.WAITING_ON_THIRD_PARTY,
            S.RESOLVED,
            S.CANCELLED,
        }
    ),
    S.AWAITING_APPROVAL: frozenset({S.NEW, S.CANCELLED}),
    S.TRIAGED: frozenset(
        {S.IN_PROGRESS, S.WAITING_ON_CUSTOMER, S.WAITING_ON_THIRD_PARTY, S.RESOLVED, S.CANCELLED}
    ),
    S.IN_PROGRESS: frozenset(
        {S.TRIAGED, S.WAITING_ON_CUSTOMER, S.WAITING_ON_THIRD_PARTY, S.RESOLVED, S.CANCELLED}
    ),
    S.WAITING_ON_CUSTOMER: frozenset(
        {S.IN_PROGRESS, S.WAITING_ON_THIRD_PARTY, S.RESOLVED, S.CANCELLED}
    ),
    S.WAITING_ON_THIRD_PARTY: frozenset(
        {S.IN_PROGRESS, S.WAITING_ON_CUSTOMER, S.RESOLVED, S.CANCELLED}
    ),
    S.RESOLVED: frozenset({S.IN_PROGRESS, S.CLOSED}),
    S.CLOSED: frozenset(),
    S.CANCELLED: frozenset(),
}
# What agency staff may do themselves (agents and integrators may make every allowed move).
CUSTOMER_MOVES = {
    (S.WAITING_ON_CUSTOMER, S.IN_PROGRESS),  # "here is the information you asked for"
    (S.RESOLVED, S.IN_PROGRESS),  # reopen
    (S.RESOLVED, S.CLOSED),  # confirm the fix
}
APPROVAL_MOVES = {(S.AWAITING_APPROVAL, S.NEW), (S.AWAITING_APPROVAL, S.CANCELLED)}


def allowed_targets(ticket: Ticket, user) -> list[str]:
    """Statuses ``user`` may move ``ticket`` to now (for buttons; ``transition`` re-checks)."""
    return [
        target
        for target in ALLOWED[ticket.status]
        if _may_move(user, ticket, ticket.status, target) and _reopen_open(ticket, target)
    ]


def _is_worker(user, ticket: Ticket) -> bool:
    if permissions.can_work_tickets(user):
        return True
    return permissions.has_role(user, Role.INTEGRATOR) and permissions.can_act_for_agency(
        user, ticket.agency_id
    )


def _may_move(user, ticket: Ticket, current: str, target: str) -> bool:
    if (current, target) in APPROVAL_MOVES:
        if permissions.can_approve_tickets(user, ticket.agency_id):
            return True
        # Integrators import legacy decisions; the requester may withdraw a pending request.
        if target == S.CANCELLED and user.pk == ticket.requester_id:
            return True
        return permissions.has_role(user, Role.INTEGRATOR) and permissions.can_act_for_agency(
            user, ticket.agency_id
        )
    if _is_worker(user, ticket):
        return True
    if not permissions.can_act_for_agency(user, ticket.agency_id):
        return False
    if (current, target) in CUSTOMER_MOVES:
        return True
    if target == S.CANCELLED:
        return user.pk == ticket.requester_id or permissions.can_approve_tickets(
            user, ticket.agency_id
        )
    return False


def _reopen_open(ticket: Ticket, target: str, at: datetime | None = None) -> bool:
    if ticket.status != S.RESOLVED or target != S.IN_PROGRESS or ticket.resolved_at is None:
        return True
    at = at or timezone.now()
    return at - ticket.resolved_at <= timedelta(days=conf.reopen_window_days())


# --- legacy timestamps --------------------------------------------------------------------------


def previous_event_time(ticket: Ticket) -> datetime:
    """The latest thing that happened to the ticket: opening, an event or a comment."""
    times = [ticket.opened_at]
    # Breach events are derived by the clock, not facts an importer sends: they do not count.
    events = TicketEvent.objects.filter(ticket=ticket).exclude(kind=EventKind.BREACH)
    for queryset, field in ((events, "at"), (Comment.objects.filter(ticket=ticket), "created_at")):
        latest = queryset.aggregate(latest=Max(field))["latest"]
        if latest:
            times.append(latest)
    return max(times)


def clean_event_time(ticket: Ticket | None, at, *, acting_user, field: str = "at") -> datetime:
    """``at`` for an operation: now, or a legacy time an integrator gave (checked)."""
    now = timezone.now()
    if at is None or at == "":
        return now
    if not (
        permissions.has_role(acting_user, Role.INTEGRATOR) or permissions.is_admin(acting_user)
    ):
        raise ValidationError({field: ["Only integrators may set a past time (legacy import)."]})
    if not isinstance(at, datetime) or timezone.is_naive(at):
        raise ValidationError({field: ["Give an ISO 8601 time with its UTC offset."]})
    if at > now:
        raise ValidationError({field: ["The time cannot be in the future."]})
    if ticket is not None:
        previous = previous_event_time(ticket)
        if at < previous:
            raise ValidationError(
                {
                    field: [
                        f"The time cannot be before the ticket's previous event "
                        f"({previous.isoformat()})."
                    ]
                }
            )
    return at


# --- numbering ----------------------------------------------------------------------------------


def reserve_numbers(kind: str, year: int, count: int = 1) -> list[str]:
    """``count`` consecutive numbers like INC-2026-000123, unique under concurrent creation.

    The counter row is locked until the caller's transaction ends, so two creations never
    read the same value; the unique constraint on Ticket.number backs it up.
    """
    prefix = KIND_PREFIX[kind]
    TicketNumberCounter.objects.bulk_create(
        [TicketNumberCounter(prefix=prefix, year=year)], ignore_conflicts=True
    )
    counter = TicketNumberCounter.objects.select_for_update().get(prefix=prefix, year=year)
    first = counter.last + 1
    counter.last = F("last") + count
    counter.save(update_fields=["last"])
    return [f"{prefix}-{year}-{n:06d}" for n in range(first, first + count)]


# --- spans and events ---------------------------------------------------------------------------


def record_event(ticket: Ticket, kind: str, *, actor, at, note="", internal=False, **data):
    return TicketEvent.objects.create(
        ticket=ticket,
        kind=kind,
        actor=actor if getattr(actor, "pk", None) else None,
        at=at,
        note=note,
        internal=internal,
        from_status=data.pop("from_status", ""),
        to_status=data.pop("to_status", ""),
        data=data,
    )


def move_team_span(ticket: Ticket, team_id: int | None, at: datetime) -> None:
    """Close the open span and start one for ``team_id`` (the OLA trail per team)."""
    open_span = TeamAssignment.objects.filter(ticket=ticket, ended_at__isnull=True).first()
    if open_span and open_span.team_id == team_id:
        return
    if open_span:
        _end_span(ticket, open_span, at)
    if team_id:
        target = conf.ola_target_minutes(team_id, ticket.priority)
        spec = sla.calendar_spec(ticket.service)
        due = None
        if target and spec is not None:
            try:
                due = add_business_time(spec, at, target)
            except CalendarError:
                due = None
        TeamAssignment.objects.create(
            ticket=ticket,
            team_id=team_id,
            started_at=at,
            ola_target_minutes=target,
            ola_due_at=due,
            paused_minutes_at_start=ticket.paused_minutes,
        )


def _end_span(ticket: Ticket, span: TeamAssignment, at: datetime) -> None:
    """End a team span and measure it: business time with the team, less the pauses in it."""
    span.ended_at = max(at, span.started_at)
    span.business_minutes = sla.span_business_minutes(
        ticket, span.started_at, span.ended_at, span.paused_minutes_at_start
    )
    span.save(update_fields=["ended_at", "business_minutes"])


def close_team_span(ticket: Ticket, at: datetime) -> None:
    span = TeamAssignment.objects.filter(ticket=ticket, ended_at__isnull=True).first()
    if span:
        _end_span(ticket, span, at)


def add_tags(ticket: Ticket, names) -> None:
    names = [n for n in dict.fromkeys(str(n).strip().lower()[:50] for n in names) if n]
    if not names:
        return
    Tag.objects.bulk_create([Tag(name=n) for n in names], ignore_conflicts=True)
    ticket.tags.add(*Tag.objects.filter(name__in=names))


def describe_changes(changes: dict[str, tuple]) -> dict:
    return {name: {"from": old, "to": new} for name, (old, new) in changes.items()}


# --- filing -------------------------------------------------------------------------------------


def _clean_text(value, field: str, *, required: bool, max_length: int | None = None) -> str:
    text = "" if value is None else str(value).strip()
    if required and not text:
        raise ValidationError({field: ["This field is required."]})
    if max_length and len(text) > max_length:
        raise ValidationError({field: [f"At most {max_length} characters."]})
    return text


@transaction.atomic
def create_ticket(
    *,
    acting_user: User,
    service: Service | None,
    title: str,
    description: str = "",
    request_type: RequestType | None = None,
    agency: Agency | None = None,
    requester: User | None = None,
    kind: str | None = None,
    impact=None,
    urgency=None,
    priority=None,
    fields=None,
    watchers=(),
    tags=(),
    opened_at: datetime | None = None,
) -> Ticket:
    """File a ticket: validate everything, route it, start its clock. Nothing is half-written.

    Errors: ValidationError (400) for bad input, ServiceNotAcceptingTickets (409) when the
    service is not live, PermissionDenied (403) when the user may not file tickets at all.
    """
    if not permissions.is_signed_in(acting_user):
        raise PermissionDenied("Sign in to file a ticket.")
    errors: dict[str, list[str]] = {}

    agency = agency or acting_user.agency
    if agency is None:
        errors["agency"] = ["Choose the agency the ticket is for."]
    elif not permissions.can_act_for_agency(acting_user, agency.pk):
        errors["agency"] = ["You can only file tickets for your own agency."]
    elif not permissions.can_file_ticket(acting_user, agency.pk):
        raise PermissionDenied("Your roles do not include filing tickets.")

    if service is None:
        errors["service"] = ["Choose a service."]
    if request_type is not None and service is not None and request_type.service_id != service.pk:
        errors["request_type"] = ["That request type belongs to another service."]
    elif request_type is not None and not request_type.is_active:
        errors["request_type"] = ["That request type is no longer offered."]

    try:
        title = _clean_text(title, "title", required=True, max_length=200)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    description = _clean_text(description, "description", required=False, max_length=50_000)

    levels = {}
    for name, value in (("impact", impact), ("urgency", urgency)):
        if value is None or value == "":
            continue
        try:
            levels[name] = clean_level(value, name)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if priority not in (None, ""):
        if not permissions.can_work_tickets(acting_user):
            errors["priority"] = ["Priority comes from impact and urgency; agents may override."]
        else:
            try:
                priority = clean_priority(priority)
            except ValidationError as exc:
                errors.update(exc.message_dict)
    else:
        priority = None

    if kind not in (None, "") and kind not in TicketKind.values:
        errors["kind"] = [f"Kind must be one of: {', '.join(TicketKind.values)}."]

    cleaned_fields = {}
    if request_type is not None and "request_type" not in errors:
        try:
            cleaned_fields = validate_values(request_type.fields, fields)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    elif fields:
        errors["fields"] = ["Field values need a request type."]

    if requester is None and not permissions.is_provider(acting_user):
        requester = acting_user
    if requester is not None and agency is not None and requester.agency_id != agency.pk:
        errors["requester"] = ["The requester must work for the ticket's agency."]

    watcher_list = list(watchers or ())
    if agency is not None and any(w.agency_id not in (None, agency.pk) for w in watcher_list):
        errors["watchers"] = ["Watchers must be provider staff or staff of the ticket's agency."]

    try:
        opened = clean_event_time(None, opened_at, acting_user=acting_user, field="opened_at")
    except ValidationError as exc:
        errors.update(exc.message_dict)
        opened = None
    if errors:
        raise ValidationError(errors)

    # State checks after input checks: a 409 should not hide a 400 the caller can fix.
    if service.lifecycle_state != Lifecycle.LIVE:
        raise ServiceNotAcceptingTickets(
            f"{service.code} is {service.get_lifecycle_state_display().lower()}: "
            "only live services take new tickets.",
            service=service.code,
            lifecycle_state=service.lifecycle_state,
        )

    if levels.keys() == {"impact", "urgency"}:
        computed = priority_for(levels["impact"], levels["urgency"])
    elif request_type is not None and not levels:
        computed = request_type.default_priority
    else:
        computed = priority_for(levels.get("impact", 2), levels.get("urgency", 2))
    team = (request_type.default_team if request_type else None) or service.owner_team
    ticket = Ticket(
        agency=agency,
        requester=requester,
        service=service,
        request_type=request_type,
        kind=kind or (request_type.default_kind if request_type else TicketKind.INCIDENT),
        title=title,
        description=description,
        impact=levels.get("impact", 2),
        urgency=levels.get("urgency", 2),
        priority=priority or computed,
        status=S.AWAITING_APPROVAL
        if request_type is not None and request_type.requires_approval
        else S.NEW,
        team=team,
        tier=team.tier if team else 1,
        fields=cleaned_fields,
        opened_at=opened,
    )
    outcome = routing.evaluate(ticket)
    if priority:
        ticket.priority = priority  # an agent's explicit priority beats the rules
    ticket.number = reserve_numbers(ticket.kind, opened.year)[0]
    sla.start(ticket, paused=ticket.status in PAUSED_STATUSES)
    ticket._history_user = acting_user
    ticket.save()
    ticket.history.update(history_date=opened)

    record_event(
        ticket,
        EventKind.CREATED,
        actor=acting_user,
        at=opened,
        to_status=ticket.status,
        priority=ticket.priority,
        team=ticket.team.name if ticket.team else None,
    )
    if outcome.matched:
        record_event(
            ticket,
            EventKind.ROUTING,
            actor=None,
            at=opened,
            internal=True,
            note=", ".join(rule.name for rule in outcome.rules),
            **describe_changes(_readable(outcome.changes)),
        )
    move_team_span(ticket, ticket.team_id, opened)
    if watcher_list:
        ticket.watchers.add(*watcher_list)
    add_tags(ticket, list(tags or ()) + outcome.tags)
    notifications.ticket_created(ticket)
    if ticket.team_id:
        notifications.ticket_assigned(ticket)
    webhooks.emit(WebhookEvent.CREATED, ticket)
    return ticket


def _readable(changes: dict[str, tuple]) -> dict[str, tuple]:
    """Team and assignee ids as names, for the timeline."""
    out = {}
    for name, (old, new) in changes.items():
        if name == "team_id":
            names = dict(Team.objects.filter(pk__in=[old, new]).values_list("pk", "name"))
            out["team"] = (names.get(old), names.get(new))
        elif name == "assignee_id":
            users = {u.pk: u.username for u in User.objects.filter(pk__in=[old, new])}
            out["assignee"] = (users.get(old), users.get(new))
        else:
            out[name] = (old, new)
    return out


# --- transitions --------------------------------------------------------------------------------


def lock(ticket: Ticket | int) -> Ticket:
    """The ticket's row, locked until the transaction ends (two changes at once queue here)."""
    pk = ticket.pk if isinstance(ticket, Ticket) else ticket
    return (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("service__calendar", "sla")
        .get(pk=pk)
    )


@transaction.atomic
def transition(
    ticket: Ticket | int,
    to_status: str,
    *,
    acting_user: User,
    note: str = "",
    at: datetime | None = None,
) -> Ticket:
    """Move the ticket to ``to_status``; TransitionNotAllowed (409) when the workflow forbids it."""
    if to_status not in Status.values:
        raise ValidationError({"status": [f"Status must be one of: {', '.join(Status.values)}."]})
    ticket = lock(ticket)
    at = clean_event_time(ticket, at, acting_user=acting_user)
    current = ticket.status
    if to_status not in ALLOWED[current]:
        if current in FINAL_STATUSES:
            raise TransitionNotAllowed(
                f"{ticket.number} is {ticket.get_status_display().lower()}; it cannot change status.",
                status=current,
            )
        raise TransitionNotAllowed(
            f"A ticket cannot go from {Status(current).label.lower()} to "
            f"{Status(to_status).label.lower()}.",
            status=current,
            allowed=sorted(ALLOWED[current]),
        )
    if not _may_move(acting_user, ticket, current, to_status):
        raise PermissionDenied("You may not make that change to this ticket.")
    if not _reopen_open(ticket, to_status, at):
        raise TransitionNotAllowed(
            f"The reopen window of {conf.reopen_window_days()} days has passed; file a new ticket.",
            status=current,
        )
    _apply_transition(ticket, to_status, acting_user=acting_user, note=note, at=at)
    return ticket


def is_legacy(at: datetime) -> bool:
    """An imported event (well before now): the clock may correct flags set as of now."""
    return at < timezone.now() - timedelta(minutes=1)


def _apply_transition(ticket: Ticket, to_status: str, *, acting_user, note: str, at) -> None:
    """The clock and timestamps of a move the caller has checked; saves the locked ticket."""
    current = ticket.status
    legacy = is_legacy(at)
    newly_breached = []
    if current in PAUSED_STATUSES and to_status not in PAUSED_STATUSES | FINAL_STATUSES:
        sla.resume(ticket, at, legacy=legacy)  # approval, customer answered, reopen
    if to_status == S.RESOLVED:
        if ticket.paused_since is not None:
            sla.resume(ticket, at, legacy=legacy)
        sla.record_resolution(ticket, at, legacy=legacy)
    elif to_status in PAUSED_STATUSES or to_status in FINAL_STATUSES:
        newly_breached = sla.pause(ticket, at, legacy=legacy)
    if current == S.RESOLVED and to_status == S.IN_PROGRESS:
        ticket.resolved_at = None
        ticket.reopen_count += 1
    if to_status in FINAL_STATUSES:
        ticket.closed_at = at
        close_team_span(ticket, at)
    ticket.status = to_status
    ticket._history_user = acting_user
    ticket.save()
    kind = EventKind.APPROVAL if (current, to_status) in APPROVAL_MOVES else EventKind.TRANSITION
    record_event(
        ticket,
        kind,
        actor=acting_user,
        at=at,
        note=(note or "").strip()[:5000],
        from_status=current,
        to_status=to_status,
    )
    for metric in newly_breached:
        record_event(
            ticket,
            EventKind.BREACH,
            actor=None,
            at=getattr(ticket, f"{metric}_due_at"),
            note=f"{metric.capitalize()} target missed.",
            metric=metric,
        )
    if to_status == S.RESOLVED:
        notifications.ticket_resolved(ticket)
    elif kind == EventKind.APPROVAL:
        notifications.approval_decided(ticket, approved=to_status == S.NEW, note=note)
    webhooks.emit(WebhookEvent.TRANSITIONED, ticket, from_status=current, to_status=to_status)
    for metric in newly_breached:
        webhooks.emit(WebhookEvent.BREACHED, ticket, metric=metric)


def approve(ticket: Ticket | int, *, acting_user: User, note: str = "", at=None) -> Ticket:
    return _decide(ticket, S.NEW, acting_user=acting_user, note=note, at=at)


def reject(ticket: Ticket | int, *, acting_user: User, note: str = "", at=None) -> Ticket:
    return _decide(ticket, S.CANCELLED, acting_user=acting_user, note=note, at=at)


def _decide(ticket, to_status, *, acting_user, note, at) -> Ticket:
    with transaction.atomic():
        locked = lock(ticket)
        if locked.status != S.AWAITING_APPROVAL:
            raise TransitionNotAllowed(
                f"{locked.number} is not awaiting approval (it is {locked.get_status_display()}).",
                status=locked.status,
            )
        if not permissions.can_approve_tickets(acting_user, locked.agency_id):
            raise PermissionDenied("Only the agency's approvers decide on requests.")
        return transition(locked, to_status, acting_user=acting_user, note=note, at=at)


def require_open(ticket: Ticket) -> None:
    if ticket.status in FINAL_STATUSES:
        raise TicketClosed(
            f"{ticket.number} is {ticket.get_status_display().lower()}; it takes no more changes.",
            status=ticket.status,
        )


def close_resolved(*, older_than_days: int | None = None, now: datetime | None = None) -> int:
    """Close tickets resolved more than N days ago (the daily job). Idempotent; returns the count."""
    now = now or timezone.now()
    days = conf.auto_close_days() if older_than_days is None else older_than_days
    ids = list(
        Ticket.objects.filter(status=S.RESOLVED, resolved_at__lt=now - timedelta(days=days))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    closed = 0
    for pk in ids:  # one transaction each: history, event and span per ticket
        with transaction.atomic():
            ticket = lock(pk)
            if ticket.status != S.RESOLVED:
                continue
            _apply_transition(
                ticket,
                S.CLOSED,
                acting_user=None,
                note=f"Closed automatically {days} days after resolution.",
                at=now,
            )
            closed += 1
    return closed
