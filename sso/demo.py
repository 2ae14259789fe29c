"""Demo organization: agencies, resolver teams, and a user for every role.

Every demo account's password is ``DEMO_PASSWORD`` (README, "Demo sign-ins").
Idempotent: running it again finds what exists and adds only what is missing.
"""

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from sso import organization
from sso.models import Agency, OnboardingEvent, Role, Team, User

DEMO_PASSWORD = "demo"

# code, name, level, end users, onboarding status, fund code, time zone
AGENCIES = [
    (
        "DOT",
        "Department of Transportation",
        "state",
        4200,
        "migrated",
        "F-2100",
        "America/New_York",
    ),
    ("DOH", "Department of Health", "state", 3100, "migrated", "F-2200", "America/New_York"),
    ("DMV", "Division of Motor Vehicles", "state", 2100, "migrated", "F-2150", "America/New_York"),
    ("DOR", "Department of Revenue", "state", 1800, "piloting", "F-2300", "America/New_York"),
    (
        "DCF",
        "Department of Children and Families",
        "state",
        2600,
        "piloting",
        "F-2400",
        "America/Chicago",
    ),
    ("PARKS", "City Parks and Recreation", "city", 600, "piloting", "C-0410", "America/Chicago"),
    (
        "DEP",
        "Department of Environmental Protection",
        "state",
        1400,
        "assessing",
        "F-2500",
        "America/New_York",
    ),
    (
        "LCSO",
        "Lake County Sheriff's Office",
        "county",
        900,
        "assessing",
        "CO-118",
        "America/Chicago",
    ),
    (
        "FHWA-DIV",
        "Federal Highway Administration, Division Office",
        "federal",
        120,
        "assessing",
        "FED-69",
        "America/New_York",
    ),
    ("RIVERTON", "City of Riverton", "city", 750, "prospective", "C-0990", "America/Denver"),
    (
        "USGS-WSC",
        "USGS Water Science Center",
        "federal",
        300,
        "prospective",
        "FED-14",
        "America/Los_Angeles",
    ),
    ("PORT", "Harbor Port Authority", "other", 450, "withdrawn", "PA-001", "America/Los_Angeles"),
]

ONBOARDING_PATH = ["prospective", "assessing", "piloting", "migrated"]

# name, tier, email
TEAMS = [
    ("Service Desk", 1, "servicedesk@shared-services.example"),
    ("Desktop and Endpoint", 2, "endpoint@shared-services.example"),
    ("Network and Infrastructure", 2, "network@shared-services.example"),
    ("HR and Payroll Operations", 2, "hr-payroll@shared-services.example"),
    ("Finance Systems", 2, "finance-systems@shared-services.example"),
    ("Procurement Operations", 2, "procurement@shared-services.example"),
    ("Enterprise Applications", 3, "enterprise-apps@shared-services.example"),
    ("Database and Platform Engineering", 3, "platform@shared-services.example"),
]

# username, first, last, roles, teams (provider staff only)
PROVIDER_STAFF = [
    ("admin", "Ada", "Administrator", [Role.ADMIN], []),
    ("desk1", "Dana", "Desk", [Role.AGENT], ["Service Desk"]),
    ("desk2", "Devon", "Dispatch", [Role.AGENT], ["Service Desk"]),
    ("desklead", "Lee", "Lead", [Role.AGENT], ["Service Desk"]),
    ("endpoint1", "Eli", "Endpoint", [Role.AGENT], ["Desktop and Endpoint"]),
    ("network1", "Nora", "Network", [Role.AGENT], ["Network and Infrastructure"]),
    ("payroll1", "Pat", "Payroll", [Role.AGENT], ["HR and Payroll Operations"]),
    ("finsys1", "Fin", "Systems", [Role.AGENT], ["Finance Systems"]),
    ("procure1", "Percy", "Procurement", [Role.AGENT], ["Procurement Operations"]),
    ("apps1", "Avery", "Applications", [Role.AGENT], ["Enterprise Applications"]),
    ("platform1", "Pia", "Platform", [Role.AGENT], ["Database and Platform Engineering"]),
    ("owner", "Olivia", "Owner", [Role.SERVICE_OWNER, Role.BOARD_MEMBER], []),
    ("finance", "Frank", "Finance", [Role.FINANCE_ADMIN], []),
    ("integrator", "Ivy", "Integration", [Role.INTEGRATOR], []),
]

TEAM_LEADS = {
    "Service Desk": "desklead",
    "Desktop and Endpoint": "endpoint1",
    "Network and Infrastructure": "network1",
}

# Agencies whose full set of roles is seeded; the rest get a requester and an approver.
FULL_ROLE_AGENCIES = {"DOT", "DOH", "DOR"}


def _agency_users(code: str):
    prefix = code.lower().replace("-", "")
    users = [
        (f"{prefix}.requester", "Requester", [Role.REQUESTER]),
        (f"{prefix}.approver", "Approver", [Role.APPROVER, Role.REQUESTER]),
    ]
    if code in FULL_ROLE_AGENCIES:
        users += [
            (f"{prefix}.finance", "Finance", [Role.FINANCE_OFFICER]),
            (f"{prefix}.board", "Board", [Role.BOARD_MEMBER]),
            (f"{prefix}.integrator", "Integration", [Role.INTEGRATOR]),
        ]
    return users


@transaction.atomic
def seed(stdout=None) -> dict:
    now = timezone.now()
    created = {"agencies": 0, "teams": 0, "users": 0}
    agencies = {a.code: a for a in Agency.objects.all()}
    for code, name, level, end_users, status, fund, tz in AGENCIES:
        if code in agencies:
            continue
        agency = Agency.objects.create(
            code=code,
            name=name,
            level=level,
            end_user_count=end_users,
            fund_code=fund,
            timezone=tz,
            onboarding_status="prospective",
            onboarding_status_changed_at=now - timedelta(days=540),
        )
        # A believable trail: each step a few months apart, ending at today's status.
        path = (
            ["prospective", "assessing", "withdrawn"]
            if status == "withdrawn"
            else ONBOARDING_PATH[: ONBOARDING_PATH.index(status) + 1]
        )
        steps = len(path)
        for i, step in enumerate(path):
            at = now - timedelta(days=540 - (i * 500 // max(steps - 1, 1)))
            OnboardingEvent.objects.create(
                agency=agency, status=step, changed_at=at, note="demo data"
            )
        agency.onboarding_status = status
        agency.onboarding_status_changed_at = (
            agency.onboarding_events.order_by("-changed_at").first().changed_at
        )
        agency.save(update_fields=["onboarding_status", "onboarding_status_changed_at"])
        agencies[code] = agency
        created["agencies"] += 1

    teams = {t.name: t for t in Team.objects.all()}
    for name, tier, email in TEAMS:
        if name not in teams:
            teams[name] = Team.objects.create(name=name, tier=tier, email=email)
            created["teams"] += 1

    existing = set(User.objects.values_list("username", flat=True))
    for username, first, last, roles, team_names in PROVIDER_STAFF:
        if username in existing:
            continue
        user = organization.create_user(
            acting_user=None,
            username=username,
            first_name=first,
            last_name=last,
            email=f"{username}@shared-services.example",
            roles=roles,
            teams=[teams[t] for t in team_names],
            password=DEMO_PASSWORD,
            fte=Decimal("1.00") if Role.AGENT in roles else Decimal("0.50"),
        )
        if username == "admin":
            user.is_staff = user.is_superuser = True
            user.save(update_fields=["is_staff", "is_superuser"])
        created["users"] += 1
    for team_name, lead in TEAM_LEADS.items():
        team = teams[team_name]
        if team.lead_id is None:
            team.lead = User.objects.get(username=lead)
            team.save(update_fields=["lead"])

    for code, agency in agencies.items():
        for username, last, roles in _agency_users(code):
            if username in existing:
                continue
            organization.create_user(
                acting_user=None,
                username=username,
                first_name=code,
                last_name=last,
                email=f"{username}@{code.lower()}.gov.example",
                agency=agency,
                roles=roles,
                password=DEMO_PASSWORD,
            )
            created["users"] += 1
    if stdout:
        stdout.write(
            f"organization: +{created['agencies']} agencies, +{created['teams']} teams, +{created['users']} users"
        )
    return created
