"""Reads: the ticket lists every page and endpoint narrows, filters and searches.

Side-effect free. Lists fetch their related rows in the same query (select_related), so the
number of queries does not grow with the page size.
"""

from datetime import timedelta

from django.db import connection
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from sso import permissions
from tickets.models import OPEN_STATUSES, Status, Ticket

# Must match the expression of the GIN index in migrations/0002_fulltext_search.py.
SEARCH_VECTOR_SQL = (
    "to_tsvector('simple'::regconfig, coalesce(tickets_ticket.number, '') || ' ' || "
    "coalesce(tickets_ticket.title, '') || ' ' || coalesce(tickets_ticket.description, ''))"
)
NUMBER_PATTERN = r"^[A-Za-z]{3}-\d{4}-\d+$"


def ticket_list(user):
    """The tickets ``user`` may see, with what a list row shows."""
    return permissions.visible(
        Ticket.objects.select_related(
            "agency", "service", "team", "assignee", "requester", "request_type"
        ),
        user,
    )


def search(queryset, text: str):
    """Number, title and description: full text on PostgreSQL (GIN index), LIKE elsewhere."""
    text = (text or "").strip()[:200]
    if not text:
        return queryset
    import re

    if re.match(NUMBER_PATTERN, text):
        return queryset.filter(number__iexact=text)
    if connection.vendor == "postgresql":
        # The SQL is a constant (it must equal the index expression); the text is a parameter.
        return queryset.filter(
            RawSQL(  # noqa: S611
                f"{SEARCH_VECTOR_SQL} @@ plainto_tsquery('simple'::regconfig, %s)",
                (text,),
                output_field=BooleanField(),
            )
        )
    condition = Q()
    for word in text.split()[:8]:
        condition &= (
            Q(number__icontains=word) | Q(title__icontains=word) | Q(description__icontains=word)
        )
    return queryset.filter(condition)


def _id_or_code(value: str, field: str) -> Q:
    if value.isdigit():
        return Q(**{f"{field}_id": int(value)})
    return Q(**{f"{field}__code": value})


def _aware(value: str, *, end: bool = False):
    parsed = parse_datetime(value) if "T" in value or " " in value else None
    if parsed is None:
        day = parse_date(value)
        if day is None:
            return None
        parsed = timezone.datetime.combine(day, timezone.datetime.min.time())
        if end:
            parsed += timedelta(days=1)
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, timezone.get_current_timezone())
    return parsed


QUEUE_FILTERS = (
    "q",
    "status",
    "team",
    "assignee",
    "priority",
    "agency",
    "service",
    "kind",
    "breached",
    "due",
    "opened_from",
    "opened_to",
)


def filter_queue(queryset, params, user=None):
    """The agent queue's filters from a query string (the same names as the API's)."""
    try:
        status = params.getlist("status")
    except AttributeError:
        status = [params["status"]] if params.get("status") else []
    status = [s for s in status if s]
    if status == ["open"]:
        queryset = queryset.filter(status__in=OPEN_STATUSES)
    elif status:
        queryset = queryset.filter(status__in=[s for s in status if s in Status.values])
    team = params.get("team")
    if team == "mine" and user is not None:
        queryset = queryset.filter(team__in=user.teams.all())
    elif team and team.isdigit():
        queryset = queryset.filter(team_id=int(team))
    assignee = params.get("assignee")
    if assignee == "me" and user is not None:
        queryset = queryset.filter(assignee=user)
    elif assignee == "none":
        queryset = queryset.filter(assignee__isnull=True)
    elif assignee and assignee.isdigit():
        queryset = queryset.filter(assignee_id=int(assignee))
    priority = params.get("priority")
    if priority in ("1", "2", "3", "4"):
        queryset = queryset.filter(priority=int(priority))
    for field in ("agency", "service"):
        value = params.get(field)
        if value:
            queryset = queryset.filter(_id_or_code(value, field))
    kind = params.get("kind")
    if kind:
        queryset = queryset.filter(kind=kind)
    breached = params.get("breached")
    if breached in ("1", "true", "yes"):
        queryset = queryset.breached()
    elif breached in ("0", "false", "no"):
        queryset = queryset.filter(response_breached=False, resolution_breached=False)
    due = params.get("due")
    if due and due.isdigit():  # due within N hours, still running
        queryset = queryset.running().filter(
            resolution_due_at__lte=timezone.now() + timedelta(hours=int(due))
        )
    opened_from = _aware(params.get("opened_from") or "")
    if opened_from:
        queryset = queryset.filter(opened_at__gte=opened_from)
    opened_to = _aware(params.get("opened_to") or "", end=True)
    if opened_to:
        queryset = queryset.filter(opened_at__lt=opened_to)
    return search(queryset, params.get("q", ""))
