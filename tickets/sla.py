"""The SLA clock: due times, pauses and breach flags, stored on the ticket.

Every function here changes the ticket object in memory and leaves saving to the caller
(``tickets.workflow``, which holds the row lock). All arithmetic goes through the catalog's
business-time engine on the service's calendar, so DST and holidays are honoured.

    due times  = add_business_time(calendar, opened_at, target + paused minutes)
    pause      = paused_since set; the stored due times stay as they were
    resume     = business minutes of the pause added to paused_minutes (and, for the part
                 before the first response, to response_paused_minutes); due times recomputed

Because due times are always recomputed from ``opened_at`` with the stored paused minutes, a
priority change, a service change or a reassignment never loses paused time.
"""

from datetime import datetime

from django.db import transaction
from django.db.models import Q

from catalog.business_time import (
    CalendarError,
    CalendarSpec,
    add_business_time,
    business_minutes_between,
)
from catalog.models import ServiceLevel
from tickets import conf
from tickets.models import OPEN_STATUSES, EventKind, Ticket, TicketEvent


def calendar_spec(service) -> CalendarSpec | None:
    if service.calendar_id is None:
        return None
    cache = getattr(service, "_calendar_spec", None)
    if cache is None:
        cache = CalendarSpec.from_calendar(service.calendar)
        service._calendar_spec = cache
    return cache


def _measure(spec: CalendarSpec | None, start: datetime, end: datetime) -> int:
    if spec is None or end <= start:
        return 0
    return business_minutes_between(spec, start, end)


def service_level_for(service_id, request_type_id, priority) -> ServiceLevel | None:
    """The request type's override for this priority first, else the service's own SLA."""
    levels = ServiceLevel.objects.filter(service_id=service_id, priority=priority).filter(
        Q(request_type__isnull=True) | Q(request_type_id=request_type_id)
    )
    # Overrides (request_type set) sort first.
    return min(levels, key=lambda level: level.request_type_id is None, default=None)


def recompute_due(ticket: Ticket) -> None:
    """Due times (and early-warning times) from opened_at, the current SLA and finished pauses."""
    level = ticket.sla
    spec = calendar_spec(ticket.service)
    if level is None or spec is None:
        ticket.response_due_at = ticket.resolution_due_at = None
        ticket.response_warn_at = ticket.resolution_warn_at = None
        return
    warn_pct = conf.sla_warning_pct()
    try:
        ticket.response_due_at = add_business_time(
            spec, ticket.opened_at, level.response_minutes + ticket.response_paused_minutes
        )
        ticket.resolution_due_at = add_business_time(
            spec, ticket.opened_at, level.resolution_minutes + ticket.paused_minutes
        )
        ticket.response_warn_at = add_business_time(
            spec,
            ticket.opened_at,
            level.response_minutes * warn_pct // 100 + ticket.response_paused_minutes,
        )
        ticket.resolution_warn_at = add_business_time(
            spec,
            ticket.opened_at,
            level.resolution_minutes * warn_pct // 100 + ticket.paused_minutes,
        )
    except CalendarError:
        # A calendar with no working hours cannot measure; no due times beats a crash.
        ticket.response_due_at = ticket.resolution_due_at = None
        ticket.response_warn_at = ticket.resolution_warn_at = None


def span_business_minutes(
    ticket: Ticket, start: datetime, end: datetime, paused_at_start: int
) -> int:
    """Business minutes a team held the ticket, less the pauses that finished meanwhile
    and the current one, if the span ends while paused."""
    spec = calendar_spec(ticket.service)
    total = _measure(spec, start, end)
    paused = max(0, ticket.paused_minutes - paused_at_start)
    if ticket.paused_since is not None and ticket.paused_since < end:
        paused += _measure(spec, max(ticket.paused_since, start), end)
    return max(0, total - paused)


def apply_service_level(ticket: Ticket) -> None:
    """Pick the SLA for the ticket's service, request type and priority; recompute due times."""
    ticket.sla = service_level_for(ticket.service_id, ticket.request_type_id, ticket.priority)
    recompute_due(ticket)


def start(ticket: Ticket, *, paused: bool) -> None:
    """A new ticket's clock; ``paused`` when it starts waiting (e.g. for approval)."""
    ticket.paused_minutes = ticket.response_paused_minutes = 0
    ticket.paused_since = ticket.opened_at if paused else None
    apply_service_level(ticket)


def check_breaches(ticket: Ticket, at: datetime, *, legacy: bool = False) -> list[str]:
    """Breach flags as of ``at``; returns the metrics newly breached.

    Live events only ever set a flag. A legacy event (an integrator importing history) may
    also clear one that the periodic job set "as of now" before the earlier facts arrived.
    """
    stop = at
    if ticket.paused_since is not None and ticket.paused_since <= at:
        stop = ticket.paused_since  # the clock stopped there
    newly = []
    for metric, met_at in (
        ("response", ticket.first_response_at),
        ("resolution", ticket.resolved_at),
    ):
        due = getattr(ticket, f"{metric}_due_at")
        flag = f"{metric}_breached"
        if met_at is not None:
            continue  # decided when it was met (record_first_response / record_resolution)
        late = due is not None and stop > due
        if late and not getattr(ticket, flag):
            newly.append(metric)
        setattr(ticket, flag, late or (getattr(ticket, flag) and not legacy))
    return newly


def pause(ticket: Ticket, at: datetime, *, legacy: bool = False) -> list[str]:
    """Stop the clock at ``at`` (a waiting status, resolution, cancellation)."""
    if ticket.paused_since is not None:
        return []
    newly = check_breaches(ticket, at, legacy=legacy)
    ticket.paused_since = at
    return newly


def resume(ticket: Ticket, at: datetime, *, legacy: bool = False) -> int:
    """Restart the clock at ``at``; the pause's business minutes move the due times out."""
    if ticket.paused_since is None:
        return 0
    spec = calendar_spec(ticket.service)
    began = ticket.paused_since
    minutes = _measure(spec, began, at)
    ticket.paused_minutes += minutes
    if ticket.first_response_at is None:
        ticket.response_paused_minutes += minutes
    elif ticket.first_response_at > began:
        # Responded during the pause: only the part before the response delayed it.
        ticket.response_paused_minutes += _measure(spec, began, ticket.first_response_at)
    ticket.paused_since = None
    recompute_due(ticket)
    if legacy:
        check_breaches(ticket, at, legacy=True)
    return minutes


def _response_due_as_of(ticket: Ticket, at: datetime) -> datetime | None:
    """Response due counting the current pause up to ``at`` (a reply may come mid-pause)."""
    if ticket.paused_since is None or ticket.sla is None or ticket.response_due_at is None:
        return ticket.response_due_at
    spec = calendar_spec(ticket.service)
    running_pause = _measure(spec, ticket.paused_since, at)
    return add_business_time(
        spec,
        ticket.opened_at,
        ticket.sla.response_minutes + ticket.response_paused_minutes + running_pause,
    )


def record_first_response(ticket: Ticket, at: datetime, *, legacy: bool = False) -> bool:
    """The first public reply by provider staff; True when it was recorded now."""
    if ticket.first_response_at is not None:
        return False
    due = _response_due_as_of(ticket, at)
    ticket.first_response_at = at
    late = due is not None and at > due
    ticket.response_breached = late or (ticket.response_breached and not legacy)
    return True


def record_resolution(ticket: Ticket, at: datetime, *, legacy: bool = False) -> None:
    """Resolution at ``at`` (clock running). With no reply before it, the resolution is the response."""
    record_first_response(ticket, at, legacy=legacy)
    ticket.resolved_at = at
    late = ticket.resolution_due_at is not None and at > ticket.resolution_due_at
    ticket.resolution_breached = late or (ticket.resolution_breached and not legacy)
    ticket.paused_since = at  # time sitting resolved counts as paused if it is reopened


def mark_breaches(now: datetime) -> dict[str, list[int]]:
    """Set-based: flag every running ticket whose due time passed; one timeline event each.

    Idempotent (already flagged tickets are skipped). Paused tickets are skipped: their due
    times move when they resume. Returns the ids newly breached per metric, for notices and
    webhooks. Note: ``QuerySet.update`` writes no simple-history rows; the events are the trail.
    """
    running = Ticket.objects.filter(status__in=OPEN_STATUSES, paused_since__isnull=True)
    targets = {
        "response": running.filter(
            response_breached=False, first_response_at__isnull=True, response_due_at__lt=now
        ),
        "resolution": running.filter(
            resolution_breached=False, resolved_at__isnull=True, resolution_due_at__lt=now
        ),
    }
    result = {}
    with transaction.atomic():
        for metric, queryset in targets.items():
            ids = list(queryset.select_for_update(skip_locked=True).values_list("pk", flat=True))
            if ids:
                Ticket.objects.filter(pk__in=ids).update(**{f"{metric}_breached": True})
                due_field = f"{metric}_due_at"
                TicketEvent.objects.bulk_create(
                    TicketEvent(
                        ticket_id=pk,
                        kind=EventKind.BREACH,
                        at=due,
                        note=f"{metric.capitalize()} target missed.",
                        data={"metric": metric},
                    )
                    for pk, due in Ticket.objects.filter(pk__in=ids).values_list("pk", due_field)
                )
            result[metric] = ids
    return result
