"""Stored SLA and OLA compliance: the figures boards and chargeback believe.

Rows are snapshots computed by ``tickets.compliance`` from the clock fields stored on
tickets and team spans; one row per key, upserted, so a rerun leaves the same rows.
(Imported by tickets/models.py; kept apart because they are derived data, not tickets.)
"""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from catalog.models import Service
from sso.models import Agency, Team


class Metric(models.TextChoices):
    RESPONSE = "response", "First response"
    RESOLUTION = "resolution", "Resolution"


class SlaComplianceDay(models.Model):
    """Tickets whose target fell due, or was met, on ``date`` (in TIME_ZONE)."""

    date = models.DateField()
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    priority = models.PositiveSmallIntegerField()
    metric = models.CharField(max_length=10, choices=Metric.choices)
    met = models.PositiveIntegerField(default=0)
    breached = models.PositiveIntegerField(default=0)
    compliance_pct = models.DecimalField(max_digits=5, decimal_places=2)
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["-date", "service", "agency", "priority", "metric"]
        constraints = [
            models.UniqueConstraint(
                fields=["date", "service", "agency", "priority", "metric"],
                name="one_sla_day_per_key",
            )
        ]
        indexes = [
            models.Index(fields=["service", "date"], name="sladay_service_date"),
            models.Index(fields=["agency", "date"], name="sladay_agency_date"),
        ]

    def __str__(self):
        return f"{self.date} {self.service_id}/{self.agency_id} P{self.priority} {self.metric}"


class SlaComplianceMonth(models.Model):
    """The month's sums of the day rows, against the SLA's monthly target."""

    month = models.DateField(help_text="First day of the month.")
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    priority = models.PositiveSmallIntegerField()
    metric = models.CharField(max_length=10, choices=Metric.choices)
    met = models.PositiveIntegerField(default=0)
    breached = models.PositiveIntegerField(default=0)
    compliance_pct = models.DecimalField(max_digits=5, decimal_places=2)
    target_pct = models.DecimalField(max_digits=5, decimal_places=2, null=True)
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["-month", "service", "agency", "priority", "metric"]
        constraints = [
            models.UniqueConstraint(
                fields=["month", "service", "agency", "priority", "metric"],
                name="one_sla_month_per_key",
            )
        ]
        indexes = [models.Index(fields=["agency", "month"], name="slamonth_agency_month")]

    def __str__(self):
        return (
            f"{self.month:%Y-%m} {self.service_id}/{self.agency_id} P{self.priority} {self.metric}"
        )

    @property
    def target_met(self) -> bool | None:
        return None if self.target_pct is None else self.compliance_pct >= self.target_pct


class TeamOlaTarget(models.Model):
    """An internal target: how long a ticket may sit with one resolver team (business minutes
    on the service's calendar, waiting-on-customer time excluded)."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="ola_targets")
    priority = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    minutes = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    compliance_target_pct = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal("90.00"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["team", "priority"]
        constraints = [
            models.UniqueConstraint(fields=["team", "priority"], name="one_ola_per_team_priority")
        ]

    def __str__(self):
        return f"{self.team} P{self.priority}: {self.minutes} min"


class TeamComplianceDay(models.Model):
    """Team spans that ended on ``date`` within or over the team's OLA, or fell due open."""

    date = models.DateField()
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="+")
    priority = models.PositiveSmallIntegerField()
    met = models.PositiveIntegerField(default=0)
    breached = models.PositiveIntegerField(default=0)
    compliance_pct = models.DecimalField(max_digits=5, decimal_places=2)
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["-date", "team", "service", "priority"]
        constraints = [
            models.UniqueConstraint(
                fields=["date", "team", "service", "priority"], name="one_team_day_per_key"
            )
        ]
        indexes = [models.Index(fields=["service", "date"], name="teamday_service_date")]

    def __str__(self):
        return f"{self.date} team {self.team_id} service {self.service_id} P{self.priority}"


class SlaWarning(models.Model):
    """A threshold of a ticket's SLA already announced, so each warning goes out once."""

    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="sla_warnings"
    )
    metric = models.CharField(max_length=10, choices=Metric.choices)
    threshold_pct = models.PositiveSmallIntegerField()
    due_at = models.DateTimeField(
        help_text="The due time warned about; a moved due time warns again."
    )
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["ticket", "metric", "threshold_pct", "due_at"],
                name="one_warning_per_threshold",
            )
        ]

    def __str__(self):
        return f"{self.ticket_id} {self.metric} {self.threshold_pct}%"


class Notice(models.Model):
    """An in-app notice for one user (SLA warnings, escalations), shown until read."""

    user = models.ForeignKey("sso.User", on_delete=models.CASCADE, related_name="notices")
    ticket = models.ForeignKey(
        "tickets.Ticket", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    message = models.CharField(max_length=300)
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "read_at"], name="notice_user_unread")]

    def __str__(self):
        return self.message
