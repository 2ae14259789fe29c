from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.factories import make_calendar, make_request_type, make_service

NY = ZoneInfo("America/New_York")


def ny(*args) -> datetime:
    """A wall-clock time in New York, as an aware datetime."""
    return datetime(*args, tzinfo=NY)


@pytest.fixture
def service(org):
    """Mon-Fri 09:00-17:00 New York; P2 is 240 response / 960 resolution business minutes."""
    calendar = make_calendar("America/New_York")
    return make_service(
        "DESK",
        calendar=calendar,
        team=org.desk,
        sla_minutes={1: (30, 240), 2: (240, 960), 3: (480, 2400), 4: (960, 4800)},
    )


@pytest.fixture
def request_type(service):
    return make_request_type(
        service,
        name="New laptop",
        fields=[
            {
                "name": "model",
                "label": "Model",
                "type": "choice",
                "choices": ["basic", "pro"],
                "required": True,
            },
            {"name": "needed_by", "label": "Needed by", "type": "date"},
        ],
    )


@pytest.fixture
def file_ticket(org, service):
    """File a ticket; by default as requester A, or imported (``opened_at``) by the integrator."""
    from tickets.workflow import create_ticket

    def make(**options):
        options.setdefault("title", "Printer on fire")
        options.setdefault("service", service)
        if "opened_at" in options:
            options.setdefault("acting_user", org.integrator)
            options.setdefault("agency", org.agency_a)
            options.setdefault("requester", org.requester_a)
        else:
            options.setdefault("acting_user", org.requester_a)
        return create_ticket(**options)

    return make
