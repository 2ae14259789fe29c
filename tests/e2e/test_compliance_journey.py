import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD, make_calendar, make_service
from tickets import compliance

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_agency_user_reads_own_compliance_with_chart(org, page, sign_in, page_errors):
    from datetime import date, datetime
    from zoneinfo import ZoneInfo

    from tickets.workflow import create_ticket

    ny = ZoneInfo("America/New_York")
    service = make_service("DESK", calendar=make_calendar("America/New_York"), team=org.desk)
    for agency, requester in ((org.agency_a, org.requester_a), (org.agency_b, org.requester_b)):
        create_ticket(
            acting_user=org.integrator, agency=agency, requester=requester, service=service,
            title="Unanswered", impact=2, urgency=1, opened_at=datetime(2026, 10, 2, 15, tzinfo=ny),
        )  # fmt: skip
    compliance.compute_range(date(2026, 10, 1), date(2026, 10, 31))

    sign_in("a.requester", PASSWORD)
    page.get_by_role("link", name="SLA compliance").click()
    page.get_by_label("From month").fill("2026-10")
    page.get_by_label("To month").fill("2026-10")
    page.get_by_role("button", name="Show").click()
    table = page.get_by_test_id("compliance-table")
    expect(table).to_contain_text("DESK")
    expect(table).to_contain_text("0.00%")
    # plotly.js, served by the app itself, drew the chart.
    expect(page.locator("#compliance-chart .main-svg").first).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Export CSV").click()
    with open(download.value.path()) as exported:
        lines = exported.read().strip().splitlines()
    # What the page shows: resolution (the default metric), agency AAA only.
    assert lines == [
        "date,service,agency,priority,metric,met,breached,compliance_pct",
        "2026-10-06,DESK,AAA,2,resolution,0,1,0.00",
    ]
    assert page_errors == []
