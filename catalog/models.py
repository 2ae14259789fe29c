"""The service catalog: what agencies buy and what every ticket, SLA and charge refers to."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from catalog.business_time import format_hhmm
from sso.models import Agency, Team, User, code_validator


class BusinessCalendar(models.Model):
    """Support hours: a time zone, weekly working windows and holidays."""

    name = models.CharField(max_length=100, unique=True)
    timezone = models.CharField(max_length=64, default="America/New_York")
    description = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.timezone})"


class WorkingHours(models.Model):
    """One working window on one weekday; a day may have several (split shifts, lunch)."""

    calendar = models.ForeignKey(BusinessCalendar, on_delete=models.CASCADE, related_name="hours")
    weekday = models.PositiveSmallIntegerField(
        validators=[MaxValueValidator(6)], help_text="Monday=0 … Sunday=6"
    )
    start_minute = models.PositiveSmallIntegerField(validators=[MaxValueValidator(24 * 60 - 1)])
    end_minute = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(24 * 60)]
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["calendar", "weekday", "start_minute"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_minute__gt=models.F("start_minute")), name="hours_end_after_start"
            ),
        ]

    def __str__(self):
        return f"{self.weekday} {format_hhmm(self.start_minute)}-{format_hhmm(self.end_minute)}"


class Holiday(models.Model):
    calendar = models.ForeignKey(
        BusinessCalendar, on_delete=models.CASCADE, related_name="holidays"
    )
    date = models.DateField()
    name = models.CharField(max_length=120)
    history = HistoricalRecords()

    class Meta:
        ordering = ["calendar", "date"]
        constraints = [
            models.UniqueConstraint(fields=["calendar", "date"], name="one_holiday_per_day")
        ]

    def __str__(self):
        return f"{self.date}: {self.name}"


class Category(models.TextChoices):
    IT = "it", "IT"
    HR = "hr", "HR"
    PAYROLL = "payroll", "Payroll"
    FINANCE = "finance", "Finance"
    PROCUREMENT = "procurement", "Procurement"
    FACILITIES = "facilities", "Facilities"
    OTHER = "other", "Other"


class Lifecycle(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    DESIGN = "design", "Design"
    TRANSITION = "transition", "Transition"
    LIVE = "live", "Live"
    RETIRED = "retired", "Retired"


class ServiceQuerySet(models.QuerySet):
    def live(self):
        return self.filter(lifecycle_state=Lifecycle.LIVE)


class Service(models.Model):
    code = models.CharField(max_length=20, unique=True, validators=[code_validator])
    name = models.CharField(max_length=200, unique=True)
    category = models.CharField(max_length=12, choices=Category.choices)
    description = models.TextField(blank=True)
    owner_team = models.ForeignKey(
        Team,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="services",
        help_text="Resolver group.",
    )
    service_manager = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="managed_services"
    )
    calendar = models.ForeignKey(
        BusinessCalendar, null=True, blank=True, on_delete=models.PROTECT, related_name="services"
    )
    lifecycle_state = models.CharField(
        max_length=12, choices=Lifecycle.choices, default=Lifecycle.PROPOSED
    )
    lifecycle_changed_at = models.DateTimeField(null=True, blank=True)
    has_standard_sop = models.BooleanField(default=False)
    sop_document = models.FileField(upload_to="sop/", blank=True)
    sop_link = models.URLField(blank=True)
    sop_version = models.CharField(max_length=20, blank=True)
    sop_date = models.DateField(null=True, blank=True)
    manager_accepted_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the service manager accepted the service for operation.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    objects = ServiceQuerySet.as_manager()

    class Meta:
        ordering = ["category", "name"]

    def __str__(self):
        return f"{self.code} — {self.name}"

    @property
    def is_live(self) -> bool:
        return self.lifecycle_state == Lifecycle.LIVE


class TicketKind(models.TextChoices):
    INCIDENT = "incident", "Incident"
    REQUEST = "request", "Service request"
    CHANGE = "change", "Change"
    PROBLEM = "problem", "Problem"


class RequestType(models.Model):
    """Something that can be asked of a service, with the form the requester fills in.

    ``fields`` is a list of ``{"name", "label", "type", "required", "choices", "help_text"}``
    (type: text, number, date, choice, boolean); ``catalog.forms_schema`` validates both the
    definition and the values a ticket supplies.
    """

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="request_types")
    name = models.CharField(max_length=150)
    description = models.TextField(blank=True)
    fields = models.JSONField(default=list, blank=True)
    default_kind = models.CharField(
        max_length=10, choices=TicketKind.choices, default=TicketKind.REQUEST
    )
    default_priority = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    default_team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requires_approval = models.BooleanField(default=False)
    is_automated = models.BooleanField(
        default=False, help_text="Fulfilled by a rule without an agent."
    )
    is_active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["service", "name"]
        constraints = [
            models.UniqueConstraint(fields=["service", "name"], name="unique_request_type_name")
        ]

    def __str__(self):
        return f"{self.service.code}: {self.name}"


class ServiceLevel(models.Model):
    """The SLA for one service and priority, optionally overridden for one request type.

    Targets are business minutes on the service's calendar.
    """

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="slas")
    request_type = models.ForeignKey(
        RequestType, null=True, blank=True, on_delete=models.CASCADE, related_name="slas"
    )
    priority = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    response_minutes = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    resolution_minutes = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    compliance_target_pct = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal("90.00"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    credit_pct = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text="Share of the month's charge for this service credited when compliance falls short.",
    )
    escalate_on_breach = models.BooleanField(
        default=False,
        help_text="Escalate a ticket to the next tier automatically when it breaches.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["service", "request_type", "priority"]
        verbose_name = "SLA"
        constraints = [
            models.UniqueConstraint(
                fields=["service", "priority"],
                condition=Q(request_type__isnull=True),
                name="one_sla_per_priority",
            ),
            models.UniqueConstraint(
                fields=["service", "request_type", "priority"],
                condition=Q(request_type__isnull=False),
                name="one_override_per_request_type_priority",
            ),
            models.CheckConstraint(
                condition=Q(resolution_minutes__gte=models.F("response_minutes")),
                name="resolution_not_below_response",
            ),
        ]

    def __str__(self):
        return f"{self.service.code} P{self.priority}"

    def clean(self):
        if (
            self.response_minutes
            and self.resolution_minutes
            and self.resolution_minutes < self.response_minutes
        ):
            raise ValidationError(
                {
                    "resolution_minutes": "The resolution target cannot be shorter than the response target."
                }
            )
        if (
            self.request_type_id
            and self.service_id
            and self.request_type.service_id != self.service_id
        ):
            raise ValidationError({"request_type": "That request type belongs to another service."})


class SubscriptionStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    CANCELLED = "cancelled", "Cancelled"


class Subscription(models.Model):
    """An agency's use of a service: quantity (seats, users) between two dates."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="subscriptions")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="subscriptions")
    quantity = models.PositiveIntegerField(default=1, validators=[MinValueValidator(1)])
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=SubscriptionStatus.choices, default=SubscriptionStatus.REQUESTED
    )
    requested_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["agency", "service", "start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="subscription_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.agency.code} x {self.service.code} ({self.quantity})"

    def clean(self):
        if self.end_date and self.start_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "A subscription cannot end before it starts."})


class ChecklistTemplateItem(models.Model):
    """A deliverable every service must sign off before going live (seed 004), beyond the built-ins."""

    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    default_approver = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class ChecklistItem(models.Model):
    """One deliverable of one service's transition checklist, signed off by its appointed approver."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="checklist_items")
    template = models.ForeignKey(
        ChecklistTemplateItem,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="items",
    )
    name = models.CharField(max_length=200)
    approver = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_off_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=500, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["service", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["service", "name"], name="unique_checklist_item")
        ]

    def __str__(self):
        return f"{self.service.code}: {self.name}"


class Audience(models.TextChoices):
    PUBLIC = "public", "Agency staff"
    INTERNAL = "internal", "Provider staff only"


class Article(models.Model):
    """A knowledge article in Markdown; every edit bumps ``version`` and history keeps the old text."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="articles")
    title = models.CharField(max_length=200)
    body = models.TextField(help_text="Markdown")
    audience = models.CharField(max_length=10, choices=Audience.choices, default=Audience.PUBLIC)
    is_service_desk_document = models.BooleanField(
        default=True, help_text="Counts toward the go-live gate's service-desk knowledge."
    )
    version = models.PositiveIntegerField(default=1)
    author = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["service", "title"]

    def __str__(self):
        return self.title
