"""The organization: agencies (the provider's customers), resolver teams, people and roles."""

from decimal import Decimal

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords


class AgencyLevel(models.TextChoices):
    FEDERAL = "federal", "Federal"
    STATE = "state", "State"
    COUNTY = "county", "County"
    CITY = "city", "City"
    OTHER = "other", "Other"


class OnboardingStatus(models.TextChoices):
    PROSPECTIVE = "prospective", "Prospective"
    ASSESSING = "assessing", "Assessing"
    PILOTING = "piloting", "Piloting"
    MIGRATED = "migrated", "Migrated"
    WITHDRAWN = "withdrawn", "Withdrawn"


code_validator = RegexValidator(
    r"^[A-Z0-9][A-Z0-9_-]{1,19}$",
    "Use 2-20 capital letters, digits, '-' or '_' (for example DOT or PARKS-REC).",
)


class Agency(models.Model):
    """A government customer of the provider."""

    code = models.CharField(max_length=20, unique=True, validators=[code_validator])
    name = models.CharField(max_length=200, unique=True)
    level = models.CharField(max_length=10, choices=AgencyLevel.choices)
    end_user_count = models.PositiveIntegerField(
        default=0, help_text="People at the agency who use shared services; drives per-user costs."
    )
    onboarding_status = models.CharField(
        max_length=12, choices=OnboardingStatus.choices, default=OnboardingStatus.PROSPECTIVE
    )
    onboarding_status_changed_at = models.DateTimeField(default=timezone.now)
    fund_code = models.CharField(
        max_length=40, blank=True, help_text="Ledger fund charged for statements."
    )
    timezone = models.CharField(max_length=64, default="America/New_York")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "agencies"

    def __str__(self):
        return f"{self.code} — {self.name}"


class OnboardingEvent(models.Model):
    """One change of an agency's onboarding status: the dated trail the board reviews."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="onboarding_events")
    status = models.CharField(max_length=12, choices=OnboardingStatus.choices)
    changed_at = models.DateTimeField(default=timezone.now)
    changed_by = models.ForeignKey(
        "sso.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["agency", "changed_at", "pk"]

    def __str__(self):
        return f"{self.agency.code} → {self.status} on {self.changed_at:%Y-%m-%d}"


class Role(models.TextChoices):
    # Agency side
    REQUESTER = "requester", "Requester"
    APPROVER = "approver", "Approver"
    FINANCE_OFFICER = "finance_officer", "Finance officer"
    BOARD_MEMBER = "board_member", "Board member"
    # Provider side
    AGENT = "agent", "Agent"
    SERVICE_OWNER = "service_owner", "Service owner"
    FINANCE_ADMIN = "finance_admin", "Finance administrator"
    ADMIN = "admin", "Administrator"
    # Either side: an API account, scoped to its agency or provider-wide
    INTEGRATOR = "integrator", "Integrator"


AGENCY_ONLY_ROLES = frozenset({Role.REQUESTER, Role.APPROVER, Role.FINANCE_OFFICER})
PROVIDER_ONLY_ROLES = frozenset({Role.AGENT, Role.SERVICE_OWNER, Role.FINANCE_ADMIN, Role.ADMIN})


class RoleGrant(models.Model):
    """A role held by a user. A user may hold several."""

    user = models.ForeignKey("sso.User", on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(max_length=20, choices=Role.choices)
    granted_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="unique_role_per_user")
        ]
        ordering = ["role"]

    def __str__(self):
        return f"{self.user.username}: {self.role}"


class User(AbstractUser):
    """A person or an API account. Agency staff belong to one agency; provider staff to none."""

    agency = models.ForeignKey(
        Agency,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        help_text="Empty for provider staff.",
    )
    fte = models.DecimalField(
        max_digits=4,
        decimal_places=2,
        default=Decimal("1.00"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text="Full-time equivalent; counts toward help desk FTEs per 1,000 end users.",
    )
    history = HistoricalRecords(excluded_fields=["last_login", "password"])

    objects = UserManager()

    class Meta:
        ordering = ["username"]

    @property
    def is_provider_staff(self) -> bool:
        return self.agency_id is None

    @property
    def role_codes(self) -> frozenset[str]:
        """The user's roles, read once per object (prefetch role_grants in lists)."""
        cached = getattr(self, "_role_codes", None)
        if cached is None:
            if self.pk is None:
                cached = frozenset()
            else:
                cached = frozenset(grant.role for grant in self.role_grants.all())
            if self.is_superuser:
                cached = cached | {Role.ADMIN}
            self._role_codes = cached
        return cached

    def forget_roles(self):
        self.__dict__.pop("_role_codes", None)
        if hasattr(self, "_prefetched_objects_cache"):
            self._prefetched_objects_cache.pop("role_grants", None)

    def display_name(self) -> str:
        return self.get_full_name() or self.username


def validate_roles_for(agency: Agency | None, roles) -> None:
    """Agency roles need an agency; provider roles need none."""
    roles = set(roles)
    unknown = roles - set(Role.values)
    if unknown:
        raise ValidationError({"roles": [f"Unknown role: {', '.join(sorted(unknown))}."]})
    if agency is None and roles & AGENCY_ONLY_ROLES:
        raise ValidationError(
            {
                "roles": [
                    f"{', '.join(sorted(roles & AGENCY_ONLY_ROLES))} needs an agency: provider staff cannot hold it."
                ]
            }
        )
    if agency is not None and roles & PROVIDER_ONLY_ROLES:
        raise ValidationError(
            {
                "roles": [
                    f"{', '.join(sorted(roles & PROVIDER_ONLY_ROLES))} is a provider role: agency staff cannot hold it."
                ]
            }
        )


class Team(models.Model):
    """A resolver group: the service desk (tier 1) or a specialist team (tiers 2 and 3)."""

    class Tier(models.IntegerChoices):
        SERVICE_DESK = 1, "Tier 1 — service desk"
        SPECIALIST = 2, "Tier 2 — specialists"
        EXPERT = 3, "Tier 3 — experts and vendors"

    name = models.CharField(max_length=100, unique=True)
    tier = models.PositiveSmallIntegerField(choices=Tier.choices, default=Tier.SERVICE_DESK)
    email = models.EmailField(blank=True)
    lead = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="led_teams"
    )
    members = models.ManyToManyField(User, blank=True, related_name="teams")
    history = HistoricalRecords(m2m_fields=[members])

    class Meta:
        ordering = ["tier", "name"]

    def __str__(self):
        return self.name

    def clean(self):
        if self.lead_id and self.lead.agency_id is not None:
            raise ValidationError({"lead": "A team lead must be provider staff."})
