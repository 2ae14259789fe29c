"""Tickets: what agency staff file and agents resolve, with the SLA clock stored on each row.

The clock fields on ``Ticket`` are written only by ``tickets.sla`` (called from
``tickets.workflow``), so lists, reports and the nightly compliance job read them and never
recompute. Their meaning:

    opened_at            the instant the clock started (creation, or the legacy time an
                         integrator gave)
    sla                  the ServiceLevel the due times came from (null: no SLA, no due times)
    response_due_at      opened_at + response target + response_paused_minutes, in business
                         time on the service's calendar
    resolution_due_at    opened_at + resolution target + paused_minutes, same calendar
    first_response_at    first public comment by provider staff
    resolved_at          the (latest) resolution; cleared on reopen
    closed_at            when the ticket became closed or cancelled
    paused_minutes       business minutes of *finished* pauses (waiting statuses, awaiting
                         approval, time sitting resolved before a reopen)
    response_paused_minutes  the part of paused_minutes that fell before first_response_at
    paused_since         start of the current pause; null while the clock runs
    response_breached    first response came (or is still missing) after response_due_at
    resolution_breached  resolution came (or is still missing) after resolution_due_at

While a ticket is paused its stored due times are those of the moment the pause began; on
resume they move out by the paused business time.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from catalog.models import RequestType, Service, ServiceLevel, TicketKind
from sso.models import Agency, Team

# --- statuses ---------------------------------------------------------------------------------


class Status(models.TextChoices):
    NEW = "new", "New"
    AWAITING_APPROVAL = "awaiting_approval", "Awaiting approval"
    TRIAGED = "triaged", "Triaged"
    IN_PROGRESS = "in_progress", "In progress"
    WAITING_ON_CUSTOMER = "waiting_on_customer", "Waiting on customer"
    WAITING_ON_THIRD_PARTY = "waiting_on_third_party", "Waiting on third party"
    RESOLVED = "resolved", "Resolved"
    CLOSED = "closed", "Closed"
    CANCELLED = "cancelled", "Cancelled"


# The clock does not run in these (time in them is added to paused_minutes on leaving).
PAUSED_STATUSES = frozenset(
    {
        Status.AWAITING_APPROVAL,
        Status.WAITING_ON_CUSTOMER,
        Status.WAITING_ON_THIRD_PARTY,
        Status.RESOLVED,
    }
)
FINAL_STATUSES = frozenset({Status.CLOSED, Status.CANCELLED})
# Not resolved, closed or cancelled: the tickets an agent still owes work on.
OPEN_STATUSES = frozenset(
    {
        Status.NEW,
        Status.AWAITING_APPROVAL,
        Status.TRIAGED,
        Status.IN_PROGRESS,
        Status.WAITING_ON_CUSTOMER,
        Status.WAITING_ON_THIRD_PARTY,
    }
)
UNTRIAGED_STATUSES = frozenset({Status.NEW})

KIND_PREFIX = {
    TicketKind.INCIDENT: "INC",
    TicketKind.REQUEST: "REQ",
    TicketKind.CHANGE: "CHG",
    TicketKind.PROBLEM: "PRB",
}

one_to_three = [MinValueValidator(1), MaxValueValidator(3)]
one_to_four = [MinValueValidator(1), MaxValueValidator(4)]


class Tag(models.Model):
    name = models.SlugField(max_length=50, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class PriorityMatrixEntry(models.Model):
    """Impact x urgency -> priority. Missing cells fall back to ``tickets.priority.DEFAULT``."""

    impact = models.PositiveSmallIntegerField(validators=one_to_three)
    urgency = models.PositiveSmallIntegerField(validators=one_to_three)
    priority = models.PositiveSmallIntegerField(validators=one_to_four)
    history = HistoricalRecords()

    class Meta:
        ordering = ["impact", "urgency"]
        verbose_name_plural = "priority matrix"
        constraints = [
            models.UniqueConstraint(fields=["impact", "urgency"], name="one_priority_per_cell")
        ]

    def __str__(self):
        return f"impact {self.impact} x urgency {self.urgency} -> P{self.priority}"


class TicketNumberCounter(models.Model):
    """The last number handed out per prefix and year; its row is locked while numbering."""

    prefix = models.CharField(max_length=5)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["prefix", "year"], name="one_counter_per_prefix_year")
        ]

    def __str__(self):
        return f"{self.prefix}-{self.year}: {self.last}"


class TicketQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def untriaged(self):
        return self.filter(status__in=UNTRIAGED_STATUSES)

    def breached(self):
        return self.filter(Q(response_breached=True) | Q(resolution_breached=True))

    def running(self):
        """Tickets whose clock runs now: open and not paused."""
        return self.filter(status__in=OPEN_STATUSES, paused_since__isnull=True)


class Ticket(models.Model):
    number = models.CharField(max_length=20, unique=True, editable=False)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="tickets")
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="requested_tickets",
    )
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="tickets")
    request_type = models.ForeignKey(
        RequestType, null=True, blank=True, on_delete=models.PROTECT, related_name="tickets"
    )
    kind = models.CharField(max_length=10, choices=TicketKind.choices, default=TicketKind.INCIDENT)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    impact = models.PositiveSmallIntegerField(default=2, validators=one_to_three)
    urgency = models.PositiveSmallIntegerField(default=2, validators=one_to_three)
    priority = models.PositiveSmallIntegerField(default=3, validators=one_to_four)
    status = models.CharField(max_length=24, choices=Status.choices, default=Status.NEW)
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="tickets"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_tickets",
    )
    tier = models.PositiveSmallIntegerField(default=1, validators=one_to_three)
    fields = models.JSONField(default=dict, blank=True, help_text="Request-type form values.")
    watchers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="watched_tickets"
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="tickets")
    reopen_count = models.PositiveSmallIntegerField(default=0)

    # --- the clock (see the module docstring) ---
    opened_at = models.DateTimeField(default=timezone.now)
    first_response_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    sla = models.ForeignKey(
        ServiceLevel, null=True, blank=True, on_delete=models.SET_NULL, related_name="tickets"
    )
    response_due_at = models.DateTimeField(null=True, blank=True)
    resolution_due_at = models.DateTimeField(null=True, blank=True)
    response_breached = models.BooleanField(default=False)
    resolution_breached = models.BooleanField(default=False)
    paused_minutes = models.PositiveIntegerField(default=0)
    response_paused_minutes = models.PositiveIntegerField(default=0)
    paused_since = models.DateTimeField(null=True, blank=True)
    # When SLA_WARNING_PCT of each target is used (written with the due times), so the
    # warning job finds tickets to warn about with an indexed comparison.
    response_warn_at = models.DateTimeField(null=True, blank=True)
    resolution_warn_at = models.DateTimeField(null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    objects = TicketQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at", "-id"]
        indexes = [
            models.Index(fields=["opened_at", "id"], name="ticket_opened"),
            models.Index(fields=["status", "resolution_due_at"], name="ticket_status_res_due"),
            models.Index(fields=["status", "response_due_at"], name="ticket_status_resp_due"),
            models.Index(fields=["agency", "opened_at"], name="ticket_agency_opened"),
            # An agency's tickets in one status (the API's ?agency=&status=): the count is an
            # index-only scan and the newest-first page walks the index backwards.
            models.Index(
                fields=["agency", "status", "opened_at", "id"], name="ticket_agency_status_opened"
            ),
            models.Index(fields=["service", "opened_at"], name="ticket_service_opened"),
            models.Index(fields=["requester", "opened_at"], name="ticket_requester_opened"),
            models.Index(fields=["team", "status"], name="ticket_team_status"),
            models.Index(fields=["assignee", "status"], name="ticket_assignee_status"),
            # The queue's default order (resolution due, then id): pages and deep pages walk it.
            models.Index(fields=["resolution_due_at", "id"], name="ticket_res_due_id"),
            # The queue's first view (open tickets, most urgent first): a small partial index,
            # so neither the count nor the page reads the closed history.
            models.Index(
                fields=["resolution_due_at", "id"],
                condition=Q(status__in=sorted(OPEN_STATUSES)),
                name="ticket_open_res_due",
            ),
            # The breached filter (about one ticket in eight): its count and its pages in the
            # queue's order, from a small partial index.
            models.Index(
                fields=["resolution_due_at", "id"],
                condition=Q(response_breached=True) | Q(resolution_breached=True),
                name="ticket_breached_res_due",
            ),
            models.Index(fields=["response_due_at"], name="ticket_resp_due"),
            models.Index(fields=["resolved_at"], name="ticket_resolved"),
            models.Index(fields=["first_response_at"], name="ticket_first_response"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(impact__gte=1, impact__lte=3), name="ticket_impact_1_3"
            ),
            models.CheckConstraint(
                condition=Q(urgency__gte=1, urgency__lte=3), name="ticket_urgency_1_3"
            ),
            models.CheckConstraint(
                condition=Q(priority__gte=1, priority__lte=4), name="ticket_priority_1_4"
            ),
            models.CheckConstraint(condition=Q(tier__gte=1, tier__lte=3), name="ticket_tier_1_3"),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"

    @property
    def is_paused(self) -> bool:
        return self.paused_since is not None

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def page_url(self) -> str:
        """The ticket page (``tickets:detail``), cheap enough for every row of a list."""
        from tickets.links import ticket_path

        return ticket_path(self.number)


class EventKind(models.TextChoices):
    CREATED = "created", "Created"
    TRANSITION = "transition", "Status changed"
    ASSIGNMENT = "assignment", "Assigned"
    ESCALATION = "escalation", "Escalated"
    PRIORITY = "priority", "Priority changed"
    SERVICE = "service", "Service changed"
    ROUTING = "routing", "Routing rule applied"
    APPROVAL = "approval", "Approval decision"
    RESPONSE = "response", "First response"
    BREACH = "breach", "SLA breached"
    RATING = "rating", "Rated"
    UPDATE = "update", "Updated"


class TicketEvent(models.Model):
    """One line of the ticket's timeline; written in the same transaction as the change."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=12, choices=EventKind.choices)
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_status = models.CharField(max_length=24, blank=True)
    to_status = models.CharField(max_length=24, blank=True)
    note = models.TextField(blank=True, help_text="Reason, transition note, rule name.")
    data = models.JSONField(default=dict, blank=True, help_text="Old and new values.")
    # Internal events (e.g. a note's reason) are hidden from agency users like internal notes.
    internal = models.BooleanField(default=False)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [
            models.Index(fields=["ticket", "at"], name="ticketevent_ticket_at"),
            models.Index(fields=["kind", "at"], name="ticketevent_kind_at"),
        ]

    def __str__(self):
        return f"{self.ticket_id} {self.kind} at {self.at:%Y-%m-%d %H:%M}"


class Comment(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    body = models.TextField()
    internal = models.BooleanField(
        default=False, help_text="Internal notes are never shown or sent to agency users."
    )
    created_at = models.DateTimeField(default=timezone.now)
    imported = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["ticket", "created_at"], name="comment_ticket_created")]

    def __str__(self):
        return f"{'Note' if self.internal else 'Reply'} on {self.ticket_id}"


def attachment_path(instance, filename):
    return f"tickets/{instance.ticket_id}/{filename}"


class Attachment(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="attachments")
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.SET_NULL, related_name="attachments"
    )
    file = models.FileField(upload_to=attachment_path, max_length=300)
    filename = models.CharField(max_length=200)
    size = models.PositiveBigIntegerField()
    content_type = models.CharField(max_length=100)
    # An attachment on an internal note is internal too.
    internal = models.BooleanField(default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.filename


class TeamAssignment(models.Model):
    """How long a ticket sat with each team (for per-team OLA); the open span has no end."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="team_spans")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="ticket_spans")
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    # The team's internal target (OLA) when the span began, and when it falls due; the
    # business minutes the ticket spent with the team (pauses excluded) once the span ends.
    ola_target_minutes = models.PositiveIntegerField(null=True, blank=True)
    ola_due_at = models.DateTimeField(null=True, blank=True)
    paused_minutes_at_start = models.PositiveIntegerField(default=0)
    business_minutes = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["ticket", "started_at", "pk"]
        indexes = [
            models.Index(fields=["team", "started_at"], name="teamspan_team_started"),
            models.Index(fields=["ended_at"], name="teamspan_ended"),
            models.Index(fields=["ola_due_at"], name="teamspan_ola_due"),
            models.Index(fields=["ticket", "ended_at"], name="teamspan_ticket_ended"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["ticket"], condition=Q(ended_at__isnull=True), name="one_open_team_span"
            ),
        ]

    def __str__(self):
        return f"{self.ticket_id} with {self.team_id} from {self.started_at:%Y-%m-%d %H:%M}"


class RoutingRule(models.Model):
    """When every set condition matches, apply the actions. Rules run in ``position`` order."""

    name = models.CharField(max_length=120)
    position = models.PositiveIntegerField(default=100)
    is_active = models.BooleanField(default=True)
    stop_processing = models.BooleanField(
        default=True, help_text="Later rules are skipped once this one matches."
    )
    # conditions (blank: any)
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    request_type = models.ForeignKey(
        RequestType, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=TicketKind.choices, blank=True)
    keywords = models.CharField(
        max_length=300,
        blank=True,
        help_text="Comma-separated; any one in the title or description matches.",
    )
    priority = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=one_to_four, help_text="Matches this priority or higher."
    )
    # actions (blank: leave as is)
    set_team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    set_priority = models.PositiveSmallIntegerField(null=True, blank=True, validators=one_to_four)
    set_tier = models.PositiveSmallIntegerField(null=True, blank=True, validators=one_to_three)
    set_assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    add_tags = models.CharField(max_length=200, blank=True, help_text="Comma-separated.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        return self.name

    def keyword_list(self) -> list[str]:
        return [k.strip().lower() for k in self.keywords.split(",") if k.strip()]

    def tag_list(self) -> list[str]:
        return [t.strip().lower() for t in self.add_tags.split(",") if t.strip()]


class SatisfactionRating(models.Model):
    ticket = models.OneToOneField(Ticket, on_delete=models.CASCADE, related_name="rating")
    score = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=1, score__lte=5), name="rating_score_1_5"
            ),
        ]

    def __str__(self):
        return f"{self.ticket_id}: {self.score}/5"


class SavedView(models.Model):
    """A named set of queue filters (the query string of the agent queue)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_ticket_views"
    )
    name = models.CharField(max_length=80)
    query = models.CharField(max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="unique_saved_view_name")
        ]

    def __str__(self):
        return self.name


# Derived figures and integrations live in their own modules; imported so Django sees them.
from tickets.compliance_models import (  # noqa: E402, F401
    Notice,
    SlaComplianceDay,
    SlaComplianceMonth,
    SlaWarning,
    TeamComplianceDay,
    TeamOlaTarget,
)
from tickets.webhook_models import WebhookDelivery, WebhookEndpoint  # noqa: E402, F401
