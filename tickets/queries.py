"""Reads: the ticket lists every page and endpoint narrows, filters and searches.

Side-effect free. Lists fetch their related rows in the same query (select_related), so the
number of queries does not grow with the page size.
"""

from datetime import timedelta

from django.db import connection
from django.db.models import BooleanField, F, Func, Q, Subquery, Value
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from sso import permissions
from tickets.models import OPEN_STATUSES, Status, Ticket


class FullTextMatch(Func):
    """Number, title and description match ``text`` (PostgreSQL full text, the GIN index).

    The vector must equal the expression of the GIN index in migrations/0002_fulltext_search.py
    for PostgreSQL to use it. The columns are compiled as expressions (not a table name written
    into raw SQL), so the condition stays right when the query is used as a subquery under
    another alias, as the paginator's deferred join does.
    """

    output_field = BooleanField()

    def __init__(self, text: str):
        super().__init__(F("number"), F("title"), F("description"), Value(text))

    def as_sql(self, compiler, connection, **extra_context):
        (number, p1), (title, p2), (description, p3), (query, p4) = (
            compiler.compile(expression) for expression in self.get_source_expressions()
        )
        vector = (
            f"to_tsvector('simple'::regconfig, coalesce({number}, '') || ' ' || "
            f"coalesce({title}, '') || ' ' || coalesce({description}, ''))"
        )
        return f"{vector} @@ plainto_tsquery('simple'::regconfig, {query})", (*p1, *p2, *p3, *p4)


NUMBER_PATTERN = r"^[A-Za-z]{3}-\d{4}-\d+$"

# "Due within N hours" beyond a century means any due time at all (and cannot overflow a date).
MAX_DUE_HOURS = 24 * 365 * 100


def whole_number(value) -> int | None:
    """``value`` as an int when it is plain ASCII digits (an id from a form or query), else None.

    ``str.isdigit`` alone is not enough: "²" passes it and ``int`` refuses it.
    """
    if isinstance(value, str) and value.isascii() and value.isdigit():
        return int(value)
    return None


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
        return queryset.filter(FullTextMatch(text))
    condition = Q()
    for word in text.split()[:8]:
        condition &= (
            Q(number__icontains=word) | Q(title__icontains=word) | Q(description__icontains=word)
        )
    return queryset.filter(condition)


def id_or_code(field: str, value: str) -> Q:
    """``agency=3`` or ``agency=DOT`` (likewise ``service``) as a condition on the ticket.

    A code is looked up in a scalar subquery on the unique ``code`` rather than a join, so
    PostgreSQL knows the one id before it plans the scan and can walk an index that starts
    with it in the list's order (a join would make it sort every matching ticket).
    """
    pk = whole_number(value)
    if pk is not None:
        return Q(**{f"{field}_id": pk})
    related = Ticket._meta.get_field(field).related_model
    return Q(**{f"{field}_id": Subquery(related.objects.filter(code=value).values("pk")[:1])})


def _aware(value: str, *, end: bool = False):
    """The time in ``value``, or None when it is not one (2026-13-45) or out of range."""
    try:
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
    except (ValueError, OverflowError):
        return None
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
    elif whole_number(team) is not None:
        queryset = queryset.filter(team_id=whole_number(team))
    assignee = params.get("assignee")
    if assignee == "me" and user is not None:
        queryset = queryset.filter(assignee=user)
    elif assignee == "none":
        queryset = queryset.filter(assignee__isnull=True)
    elif whole_number(assignee) is not None:
        queryset = queryset.filter(assignee_id=whole_number(assignee))
    priority = params.get("priority")
    if priority in ("1", "2", "3", "4"):
        queryset = queryset.filter(priority=int(priority))
    for field in ("agency", "service"):
        value = params.get(field)
        if value:
            queryset = queryset.filter(id_or_code(field, value))
    kind = params.get("kind")
    if kind:
        queryset = queryset.filter(kind=kind)
    breached = params.get("breached")
    if breached in ("1", "true", "yes"):
        queryset = queryset.breached()
    elif breached in ("0", "false", "no"):
        queryset = queryset.filter(response_breached=False, resolution_breached=False)
    due = whole_number(params.get("due"))
    if due is not None:  # due within N hours, still running
        queryset = queryset.running().filter(
            resolution_due_at__lte=timezone.now() + timedelta(hours=min(due, MAX_DUE_HOURS))
        )
    opened_from = _aware(params.get("opened_from") or "")
    if opened_from:
        queryset = queryset.filter(opened_at__gte=opened_from)
    opened_to = _aware(params.get("opened_to") or "", end=True)
    if opened_to:
        queryset = queryset.filter(opened_at__lt=opened_to)
    return search(queryset, params.get("q", ""))
