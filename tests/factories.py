"""Small builders for test data. Plain functions: each makes one believable record."""

import itertools

from sso import organization
from sso.models import Agency, Role, Team

_seq = itertools.count(1)
PASSWORD = "correct horse battery staple"


def make_agency(code=None, **fields) -> Agency:
    n = next(_seq)
    code = code or f"AG{n}"
    defaults = {
        "name": f"Agency {code}",
        "level": "state",
        "end_user_count": 100,
        "fund_code": f"F-{n}",
    }
    defaults.update(fields)
    return organization.create_agency(acting_user=None, code=code, **defaults)


def make_user(*roles, agency=None, username=None, teams=(), **fields):
    n = next(_seq)
    return organization.create_user(
        acting_user=None,
        username=username or f"user{n}",
        email=f"user{n}@example.gov",
        first_name="Test",
        last_name=f"User{n}",
        agency=agency,
        roles=[str(r) for r in roles],
        teams=teams,
        password=PASSWORD,
        **fields,
    )


def make_team(name=None, tier=1, **fields) -> Team:
    return Team.objects.create(name=name or f"Team {next(_seq)}", tier=tier, **fields)


def make_calendar(timezone="America/New_York", hours=None, holidays=(), name=None):
    """A calendar; ``hours`` is {weekday: [("09:00", "17:00"), ...]}, default Mon-Fri 09:00-17:00."""
    from catalog.business_time import parse_hhmm
    from catalog.models import BusinessCalendar, Holiday, WorkingHours

    calendar = BusinessCalendar.objects.create(
        name=name or f"Calendar {next(_seq)}", timezone=timezone
    )
    hours = hours if hours is not None else {day: [("09:00", "17:00")] for day in range(5)}
    WorkingHours.objects.bulk_create(
        WorkingHours(
            calendar=calendar,
            weekday=day,
            start_minute=parse_hhmm(start),
            end_minute=parse_hhmm(end, allow_24=True),
        )
        for day, windows in hours.items()
        for start, end in windows
    )
    Holiday.objects.bulk_create(
        Holiday(calendar=calendar, date=d, name="Holiday") for d in holidays
    )
    return calendar


# priority -> (response, resolution) business minutes
DEFAULT_SLA_MINUTES = {1: (30, 240), 2: (240, 960), 3: (480, 2400), 4: (960, 4800)}


def make_service(
    code=None, *, calendar=None, team=None, lifecycle_state="live", sla_minutes=None, **fields
):
    """A live service with a calendar, an owner team and an SLA for every priority."""
    from catalog.models import Service, ServiceLevel

    n = next(_seq)
    service = Service.objects.create(
        code=code or f"SVC{n}",
        name=fields.pop("name", f"Service {n}"),
        category=fields.pop("category", "it"),
        calendar=calendar or make_calendar(),
        owner_team=team or make_team(),
        lifecycle_state=lifecycle_state,
        **fields,
    )
    for priority, (response, resolution) in (sla_minutes or DEFAULT_SLA_MINUTES).items():
        ServiceLevel.objects.create(
            service=service,
            priority=priority,
            response_minutes=response,
            resolution_minutes=resolution,
        )
    return service


def make_request_type(service, name=None, fields=(), **options):
    from catalog.forms_schema import validate_definition
    from catalog.models import RequestType

    return RequestType.objects.create(
        service=service,
        name=name or f"Request {next(_seq)}",
        fields=validate_definition(list(fields)),
        **options,
    )


__all__ = [
    "PASSWORD",
    "Role",
    "make_agency",
    "make_calendar",
    "make_request_type",
    "make_service",
    "make_team",
    "make_user",
]
