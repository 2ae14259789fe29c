"""sla-compliance/ per API.md, the compliance page and its CSV, and team OLA figures."""

from datetime import date

import pytest

from tests.tickets.conftest import ny
from tickets import compliance
from tickets.compliance_models import TeamComplianceDay, TeamOlaTarget
from tickets.models import Status
from tickets.workflow import transition

OCTOBER = (date(2026, 10, 1), date(2026, 10, 31))


@pytest.fixture
def figures(org, file_ticket):
    # One unanswered P2 ticket for each agency, opened Fri 2026-10-02 15:00 New York.
    file_ticket(opened_at=ny(2026, 10, 2, 15, 0), impact=2, urgency=1)
    file_ticket(
        opened_at=ny(2026, 10, 2, 15, 0),
        impact=2,
        urgency=1,
        agency=org.agency_b,
        requester=org.requester_b,
    )
    compliance.compute_range(*OCTOBER)


def test_contract_fields_and_filters(api, org, figures):
    body = (
        api.as_user(org.admin)
        .get("/api/v1/sla-compliance/", {"service": "DESK", "metric": "response"})
        .json()
    )
    assert body["count"] == 2
    row = body["results"][0]
    assert {
        "service",
        "agency",
        "priority",
        "metric",
        "date",
        "met",
        "breached",
        "compliance_pct",
    } <= set(row)
    assert row["service"] == "DESK"
    assert row["date"] == "2026-10-05"
    assert row["compliance_pct"] == "0.00"
    dated = (
        api.as_user(org.admin)
        .get("/api/v1/sla-compliance/", {"date_from": "2026-10-06", "date_to": "2026-10-06"})
        .json()
    )
    assert {(r["metric"], r["date"]) for r in dated["results"]} == {("resolution", "2026-10-06")}


def test_agency_user_sees_only_own_agency(api, org, figures):
    body = api.as_user(org.requester_a).get("/api/v1/sla-compliance/").json()
    assert {r["agency"] for r in body["results"]} == {"AAA"}
    monthly = api.as_user(org.requester_a).get("/api/v1/sla-compliance-monthly/").json()
    assert {r["agency"] for r in monthly["results"]} == {"AAA"}
    assert monthly["results"][0]["month"] == "2026-10"
    other = api.as_user(org.requester_a).get("/api/v1/sla-compliance/", {"agency": "BBB"})
    assert other.status_code == 400  # another agency cannot be named (see below)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"service": "NOPE"}, "service"),
        ({"agency": "NOPE"}, "agency"),
        ({"date_from": "2026-10-31", "date_to": "2026-10-01"}, "date_to"),
        ({"date_from": "2999-01-01"}, "date_from"),
        ({"date_from": "yesterday"}, "date_from"),
        ({"metric": "speed"}, "metric"),
    ],
)
def test_bad_filters_are_400(api, org, figures, params, field):
    response = api.as_user(org.admin).get("/api/v1/sla-compliance/", params)
    assert response.status_code == 400
    assert field in response.json()


def test_figures_are_read_only(api, org, figures):
    response = api.as_user(org.admin).post("/api/v1/sla-compliance/", {}, format="json")
    assert response.status_code == 405


def test_list_query_count_does_not_grow_with_page_size(
    api, org, figures, django_assert_max_num_queries
):
    client = api.as_user(org.admin)
    with django_assert_max_num_queries(6):  # token, user roles, count, page (with joins), ...
        client.get("/api/v1/sla-compliance/", {"page_size": 1})
    with django_assert_max_num_queries(6):
        client.get("/api/v1/sla-compliance/", {"page_size": 500})


def test_compliance_page_by_role(client, org, figures):
    client.force_login(org.requester_a)
    page = client.get("/sla/", {"month_from": "2026-10", "month_to": "2026-10"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "DESK" in html
    assert "ola-table" not in html  # team figures are the provider's
    csv_text = client.get(
        "/sla/export.csv", {"month_from": "2026-10", "month_to": "2026-10"}
    ).content.decode()
    lines = csv_text.strip().splitlines()
    assert lines[0] == "date,service,agency,priority,metric,met,breached,compliance_pct"
    assert all(",AAA," in line for line in lines[1:])
    assert len(lines) == 3
    client.force_login(org.agent)
    staff = client.get("/sla/", {"month_from": "2026-10", "month_to": "2026-10"}).content.decode()
    assert "ola-table" in staff
    assert "vendor/plotly/plotly.min" in staff


def test_compliance_page_bad_month_is_a_form_error(client, org, figures):
    client.force_login(org.agent)
    response = client.get("/sla/", {"month_from": "2026-13"})
    assert response.status_code == 400
    assert "Use a month like 2026-10" in response.content.decode()
    reversed_range = client.get("/sla/", {"month_from": "2026-10", "month_to": "2026-09"})
    assert "before the first" in reversed_range.content.decode()
    assert client.get("/sla/export.csv", {"month_from": "x"}).status_code == 400


def test_team_ola_met_and_breached(org, file_ticket):
    # Desk OLA for P2: 120 business minutes. Ticket reaches the desk Fri 15:00 (routing sets the
    # team at opening); a reply and resolution Mon 10:00: 120 Fri + 60 Mon = 180 > 120: breached,
    # counted on Mon 10-05 when the span ends.
    TeamOlaTarget.objects.create(team=org.desk, priority=2, minutes=120)
    ticket = file_ticket(opened_at=ny(2026, 10, 2, 15, 0), impact=2, urgency=1)
    assert ticket.team == org.desk
    span = ticket.team_spans.get()
    assert span.ola_target_minutes == 120
    assert span.ola_due_at == ny(2026, 10, 2, 17, 0)
    transition(ticket, Status.IN_PROGRESS, acting_user=org.integrator, at=ny(2026, 10, 5, 9, 30))
    transition(ticket, Status.CANCELLED, acting_user=org.integrator, at=ny(2026, 10, 5, 10, 0))
    span.refresh_from_db()
    assert span.business_minutes == 180
    quick = file_ticket(opened_at=ny(2026, 10, 6, 9, 0), impact=2, urgency=1)
    transition(quick, Status.IN_PROGRESS, acting_user=org.integrator, at=ny(2026, 10, 6, 9, 10))
    transition(quick, Status.RESOLVED, acting_user=org.integrator, at=ny(2026, 10, 6, 10, 0))
    transition(quick, Status.CLOSED, acting_user=org.integrator, at=ny(2026, 10, 6, 10, 30))
    compliance.compute_range(*OCTOBER)
    rows = {(r.date, r.met, r.breached) for r in TeamComplianceDay.objects.filter(team=org.desk)}
    # The cancelled ticket does not count; the quick one: 60 minutes to resolution, then
    # resolved (paused) until closed, so 60 <= 120: met on 10-06.
    assert rows == {(date(2026, 10, 6), 1, 0)}


def test_service_page_shows_last_months_figure(client, org, file_ticket, service):
    from datetime import timedelta

    from django.utils import timezone

    # A ticket opened in the middle of last month, never answered: breached both targets.
    last_month_mid = compliance.month_start(
        compliance.month_start(compliance.today_local()) - timedelta(days=1)
    ) + timedelta(days=14)
    opened = timezone.make_aware(
        timezone.datetime.combine(last_month_mid, timezone.datetime.min.time())
    ).replace(hour=14)
    file_ticket(opened_at=opened, impact=2, urgency=1)
    first = compliance.month_start(last_month_mid)
    compliance.compute_range(first, compliance.today_local() - timedelta(days=1))
    client.force_login(org.requester_a)
    html = client.get(f"/catalog/services/{service.code}/").content.decode()
    assert 'data-testid="last-month-compliance"' in html
    assert "0.00%" in html
    client.force_login(org.requester_b)
    other = client.get(f"/catalog/services/{service.code}/").content.decode()
    assert 'data-testid="last-month-compliance"' not in other  # agency B has no tickets there


def test_chart_is_daily_for_one_month_and_monthly_otherwise(org, figures):
    import json

    from tickets.compliance_reports import ReportFilters, chart_json

    one_month = json.loads(
        chart_json(
            org.agent, ReportFilters(date(2026, 10, 1), date(2026, 10, 1), metric="response")
        )
    )
    assert one_month["data"][0]["x"] == ["2026-10-05"]
    assert one_month["data"][0]["y"] == [0.0]
    months = json.loads(
        chart_json(org.agent, ReportFilters(date(2026, 9, 1), date(2026, 10, 1), metric="response"))
    )
    assert months["data"][0]["x"] == ["2026-10"]
    # An agency user's chart sums only their own agency.
    mine = json.loads(
        chart_json(org.requester_b, ReportFilters(date(2026, 10, 1), date(2026, 10, 1)))
    )
    assert [trace["name"] for trace in mine["data"]] == ["DESK"]


def test_filters_name_only_what_the_caller_may_see(api, org, figures):
    # Another agency's code answers like an unknown one: nothing is confirmed.
    other = api.as_user(org.requester_a).get("/api/v1/sla-compliance/", {"agency": "BBB"})
    unknown = api.as_user(org.requester_a).get("/api/v1/sla-compliance/", {"agency": "ZZZ"})
    assert other.status_code == unknown.status_code == 400
    assert (
        api.as_user(org.admin).get("/api/v1/sla-compliance/", {"agency": "BBB"}).status_code == 200
    )
