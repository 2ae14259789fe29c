"""Demo catalog: calendars per agency time zone with US federal holidays, some 25 services
across every category and lifecycle state, request forms, SLAs, the transition checklist,
knowledge articles and subscriptions. Idempotent: a rerun adds only what is missing."""

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from catalog.business_time import parse_hhmm
from catalog.calendars import holidays_for
from catalog.models import (
    Article,
    BusinessCalendar,
    ChecklistItem,
    ChecklistTemplateItem,
    Holiday,
    RequestType,
    Service,
    ServiceLevel,
    Subscription,
    WorkingHours,
)
from sso.models import Agency, Team, User

ZONES = {
    "America/New_York": "Eastern",
    "America/Chicago": "Central",
    "America/Denver": "Mountain",
    "America/Los_Angeles": "Pacific",
}
WEEKDAYS = range(5)

# (response, resolution) business minutes per priority
STANDARD = {1: (30, 240), 2: (120, 960), 3: (480, 2400), 4: (960, 4800)}
PAYROLL = {1: (15, 120), 2: (60, 480), 3: (240, 1440), 4: (480, 2880)}
AROUND_THE_CLOCK = {1: (15, 120), 2: (60, 360), 3: (240, 1440), 4: (480, 2880)}

TEXT = {"type": "text"}


def _f(name, label, kind="text", required=False, choices=None, help_text=""):
    field = {"name": name, "label": label, "type": kind, "required": required}
    if choices:
        field["choices"] = choices
    if help_text:
        field["help_text"] = help_text
    return field


COST_CENTER = _f("cost_center", "Cost center", required=True, help_text="e.g. 2100-OPS")

# code, name, category, state, team, calendar zone or "24x7", sla, description, request types
SERVICES = [
    ("SERVICE-DESK", "Service desk support", "it", "live", "Service Desk", "24x7", AROUND_THE_CLOCK,
     "Tier 1 help by phone, portal and chat for any IT question or fault.",
     [("Report an IT problem", "incident", 3, []),
      ("Ask a question", "request", 4, [])]),
    ("LAPTOP", "Laptop and desktop provisioning", "it", "live", "Desktop and Endpoint", "America/New_York", STANDARD,
     "Standard laptops and desktops, imaged, encrypted and delivered to your office.",
     [("New laptop", "request", 3, [COST_CENTER, _f("model", "Model", "choice", True, ["13-inch standard", "15-inch power user"]), _f("needed_by", "Needed by", "date")]),
      ("Replace a broken device", "incident", 2, [_f("asset_tag", "Asset tag", required=True)])]),
    ("ACCOUNTS", "Accounts and access", "it", "live", "Service Desk", "America/New_York", STANDARD,
     "Network accounts, password resets, group memberships and access reviews.",
     [("New starter account", "request", 3, [_f("start_date", "Start date", "date", True), _f("manager_email", "Manager's email", required=True)]),
      ("Password reset", "request", 2, [])]),
    ("EMAIL", "Email and calendar", "it", "live", "Enterprise Applications", "America/New_York", STANDARD,
     "Shared mail platform, shared mailboxes and distribution lists.",
     [("Shared mailbox", "request", 4, [_f("mailbox_name", "Mailbox name", required=True)])]),
    ("NETWORK", "Network and Wi-Fi", "it", "live", "Network and Infrastructure", "24x7", AROUND_THE_CLOCK,
     "Office network, Wi-Fi, VPN and site connectivity.",
     [("VPN access", "request", 3, [_f("justification", "Why remote access is needed", required=True)]),
      ("Network outage", "incident", 1, [_f("site", "Site", required=True)])]),
    ("HOSTING", "Application hosting", "it", "live", "Database and Platform Engineering", "America/Chicago", STANDARD,
     "Virtual servers and managed databases in the shared data center.",
     [("New virtual server", "request", 3, [_f("cpu", "vCPUs", "number", True), _f("memory_gb", "Memory (GB)", "number", True), _f("environment", "Environment", "choice", True, ["dev", "test", "prod"])])]),
    ("GIS", "GIS platform", "it", "transition", "Enterprise Applications", "America/Denver", STANDARD,
     "Shared geographic information system for mapping and spatial analysis.", []),
    ("DOCSTORE", "Shared document store", "it", "design", None, None, None,
     "A shared store for multi-agency case files (seed 003).", []),
    ("FAX", "Fax gateway", "it", "retired", "Network and Infrastructure", "America/New_York", STANDARD,
     "Retired: replaced by secure email.", []),
    ("PAYROLL", "Payroll processing", "payroll", "live", "HR and Payroll Operations", "America/New_York", PAYROLL,
     "Bi-weekly payroll for all participating agencies, including tax filings.",
     [("Pay correction", "request", 2, [_f("employee_id", "Employee ID", required=True), _f("pay_period", "Pay period ending", "date", True), _f("amount", "Amount", "number")]),
      ("Direct deposit change", "request", 3, [_f("employee_id", "Employee ID", required=True)])]),
    ("TIMEKEEP", "Time and attendance", "payroll", "live", "HR and Payroll Operations", "America/Chicago", PAYROLL,
     "Timesheets, leave balances and approvals.",
     [("Timesheet correction", "request", 3, [_f("employee_id", "Employee ID", required=True), _f("week_ending", "Week ending", "date", True)])]),
    ("W2", "Year-end tax forms", "payroll", "proposed", None, None, None,
     "Proposed: W-2 production and reissue as a separate service.", []),
    ("ONBOARD", "Employee onboarding", "hr", "live", "HR and Payroll Operations", "America/New_York", STANDARD,
     "Hiring paperwork, background checks and first-day setup.",
     [("New hire", "request", 3, [_f("start_date", "Start date", "date", True), _f("position", "Position", required=True), _f("remote", "Works remotely", "boolean")])]),
    ("BENEFITS", "Benefits administration", "hr", "live", "HR and Payroll Operations", "America/Los_Angeles", STANDARD,
     "Health, dental and retirement enrolment and life events.",
     [("Life event change", "request", 3, [_f("event", "Event", "choice", True, ["marriage", "birth", "adoption", "divorce"])])]),
    ("RECRUIT", "Recruitment", "hr", "design", None, None, None,
     "Job postings and applicant tracking for all agencies.", []),
    ("AP", "Accounts payable", "finance", "live", "Finance Systems", "America/New_York", STANDARD,
     "Invoice processing, three-way match to purchase order and receipt (seed 003).",
     [("Pay an invoice", "request", 3, [_f("vendor", "Vendor", required=True), _f("invoice_number", "Invoice number", required=True), _f("amount", "Amount", "number", True)])]),
    ("GL", "General ledger and reporting", "finance", "live", "Finance Systems", "America/Chicago", STANDARD,
     "Shared ledger, month-end close support and financial reports.",
     [("New report", "request", 4, [_f("report_name", "Report name", required=True)])]),
    ("TRAVEL", "Travel and expenses", "finance", "transition", "Finance Systems", "America/New_York", STANDARD,
     "Travel booking and expense reimbursement.", []),
    ("GRANTS", "Grants accounting", "finance", "proposed", None, None, None,
     "Proposed: federal grant drawdowns and reporting.", []),
    ("PURCHASE", "Purchase requests", "procurement", "live", "Procurement Operations", "America/New_York", STANDARD,
     "Requisitions, quotes and purchase orders with agency approval.",
     [("Purchase request", "request", 3, [COST_CENTER, _f("description", "What to buy", required=True), _f("estimated_cost", "Estimated cost", "number", True)])]),
    ("CONTRACTS", "Contract management", "procurement", "live", "Procurement Operations", "America/Denver", STANDARD,
     "Contract drafting, renewals and vendor performance.",
     [("Contract renewal", "request", 3, [_f("contract_number", "Contract number", required=True)])]),
    ("PCARD", "Purchasing cards", "procurement", "retired", "Procurement Operations", "America/New_York", STANDARD,
     "Retired: folded into purchase requests.", []),
    ("FACILITY", "Facilities requests", "facilities", "live", "Service Desk", "America/Chicago", STANDARD,
     "Office moves, badges and building maintenance.",
     [("Office move", "change", 4, [_f("from_room", "From room", required=True), _f("to_room", "To room", required=True)]),
      ("Badge access", "request", 3, [_f("building", "Building", "choice", True, ["HQ", "Annex", "Depot"])])]),
    ("MAILROOM", "Mail and courier", "facilities", "live", "Service Desk", "America/Los_Angeles", STANDARD,
     "Inter-agency mail, courier pickups and scanning.",
     [("Courier pickup", "request", 3, [_f("pickup_date", "Pickup date", "date", True)])]),
    ("RECORDS", "Records retention", "other", "live", "Enterprise Applications", "America/New_York", STANDARD,
     "Retention schedules, archive boxes and legal holds.",
     [("Legal hold", "request", 2, [_f("case_number", "Case number", required=True)])]),
    ("PORTAL", "Online services portal", "other", "transition", "Enterprise Applications", "America/New_York", STANDARD,
     "One online portal for residents across agencies (seed 003).", []),
]  # fmt: skip

TEMPLATE = [
    ("Monitoring and alerting in place", "network1"),
    ("Support documentation handed to the service desk", "desklead"),
    ("Operational acceptance test passed", "platform1"),
]


def _calendars():
    result = {}
    federal = None
    for zone, label in ZONES.items():
        calendar, created = BusinessCalendar.objects.get_or_create(
            name=f"{label} office hours",
            defaults={"timezone": zone, "description": "Mon-Fri 08:00-17:00, US federal holidays"},
        )
        if created:
            WorkingHours.objects.bulk_create(
                WorkingHours(
                    calendar=calendar,
                    weekday=d,
                    start_minute=parse_hhmm("08:00"),
                    end_minute=parse_hhmm("17:00"),
                )
                for d in WEEKDAYS
            )
            year = date.today().year
            federal = federal or holidays_for("US", None, year, year + 1)
            Holiday.objects.bulk_create(
                Holiday(calendar=calendar, date=d, name=n) for d, n in federal
            )
        result[zone] = calendar
    always, created = BusinessCalendar.objects.get_or_create(
        name="24x7", defaults={"timezone": "America/New_York", "description": "Always open"}
    )
    if created:
        WorkingHours.objects.bulk_create(
            WorkingHours(calendar=always, weekday=d, start_minute=0, end_minute=1440)
            for d in range(7)
        )
    result["24x7"] = always
    return result


ARTICLES = {
    "public": (
        "Getting started with {name}",
        "## What this service does\n\n{description}\n\n## How to ask for help\n\n"
        "1. Open the **{name}** page in the catalog.\n2. Choose a request type and fill in the form.\n"
        "3. You will get a first response within the times shown under *Service levels*.\n",
    ),
    "internal": (
        "{name}: service desk guide",
        "## Triage\n\nCheck the form fields first. Known errors are listed below.\n\n"
        "## Escalation\n\nAssign to **{team}** when tier 1 cannot resolve within 30 minutes.\n",
    ),
}


@transaction.atomic
def seed(stdout=None, **options) -> dict:
    calendars = _calendars()
    teams = {t.name: t for t in Team.objects.all()}
    users = {u.username: u for u in User.objects.filter(agency__isnull=True)}
    owner = users.get("owner")
    now = timezone.now()
    created = 0
    for position, (name, approver) in enumerate(TEMPLATE):
        ChecklistTemplateItem.objects.get_or_create(
            name=name, defaults={"default_approver": users.get(approver), "position": position}
        )
    templates = list(ChecklistTemplateItem.objects.filter(is_active=True))
    for row in SERVICES:
        code, name, category, state, team, zone, sla, description, request_types = row
        if Service.objects.filter(code=code).exists():
            continue
        created += 1
        service = Service.objects.create(
            code=code,
            name=name,
            category=category,
            description=description,
            owner_team=teams.get(team) if team else None,
            calendar=calendars.get(zone) if zone else None,
            service_manager=users.get("desklead") if state != "proposed" else None,
            lifecycle_state=state,
            lifecycle_changed_at=now - timedelta(days=90),
            has_standard_sop=state == "live" and category in ("payroll", "finance", "hr"),
            sop_link="https://intranet.example/sop/" + code.lower() if state == "live" else "",
            sop_version="1.2" if state == "live" else "",
            manager_accepted_at=now - timedelta(days=100) if state in ("live", "retired") else None,
        )
        if not service.has_standard_sop:
            service.sop_link = ""
            service.save(update_fields=["sop_link"])
        if sla:
            for priority, (response, resolution) in sla.items():
                # In transition, the GIS service still lacks its P4 SLA: the gate shows it.
                if code == "GIS" and priority == 4:
                    continue
                ServiceLevel.objects.create(
                    service=service,
                    priority=priority,
                    response_minutes=response,
                    resolution_minutes=resolution,
                    compliance_target_pct=Decimal("95.00") if priority <= 2 else Decimal("90.00"),
                    credit_pct=Decimal("5.00") if priority == 1 else Decimal("2.00"),
                )
        for rt_name, kind, priority, fields in request_types:
            RequestType.objects.create(
                service=service,
                name=rt_name,
                description=f"{rt_name} for {name.lower()}.",
                fields=fields,
                default_kind=kind,
                default_priority=priority,
                default_team=service.owner_team,
                requires_approval=category in ("procurement", "finance") and kind == "request",
                is_automated=rt_name in ("Password reset", "Direct deposit change"),
            )
        if state in ("live", "retired", "transition") and code != "GIS":
            for audience, (title, body) in ARTICLES.items():
                if state == "transition" and audience == "internal":
                    continue  # PORTAL and TRAVEL still owe the service desk its guide
                Article.objects.create(
                    service=service,
                    title=title.format(name=name),
                    body=body.format(
                        name=name,
                        description=description,
                        team=team or "the service owner",
                    ),
                    audience=audience,
                    is_service_desk_document=audience == "internal",
                    author=owner,
                )
        if state in ("transition", "live", "retired"):
            for template in templates:
                signed = state != "transition" or template.position == 0
                ChecklistItem.objects.create(
                    service=service,
                    template=template,
                    name=template.name,
                    approver=template.default_approver,
                    signed_off_by=template.default_approver if signed else None,
                    signed_off_at=now - timedelta(days=95) if signed else None,
                )

    agencies = list(Agency.objects.exclude(onboarding_status__in=["prospective", "withdrawn"]))
    live = list(Service.objects.filter(lifecycle_state="live").order_by("code"))
    approvers = {u.agency_id: u for u in User.objects.filter(role_grants__role="approver")}
    subs = 0
    if live and not Subscription.objects.exists():
        start = date.today().replace(day=1) - timedelta(days=180)
        for i, agency in enumerate(agencies):
            for j, service in enumerate(live):
                if (i + j) % 3:
                    continue
                status = "requested" if (i + j) % 7 == 0 else "approved"
                Subscription.objects.create(
                    agency=agency,
                    service=service,
                    quantity=max(1, agency.end_user_count // (10 + j)),
                    start_date=start.replace(day=1),
                    status=status,
                    requested_by=approvers.get(agency.pk),
                    decided_by=owner if status == "approved" else None,
                    decided_at=now - timedelta(days=170) if status == "approved" else None,
                )
                subs += 1
    if stdout is not None:
        stdout.write(
            f"Catalog: {created} services added ({Service.objects.count()} in all), "
            f"{subs} subscriptions, {len(calendars)} calendars."
        )
    return {"services": created, "subscriptions": subs}
