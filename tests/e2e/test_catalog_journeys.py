"""Browser journeys through the catalog: an agency user reads a service's SLA; a service owner
takes a service through the go-live gate."""

import pytest
from playwright.sync_api import expect

from catalog.lifecycle import ensure_checklist
from catalog.models import ChecklistTemplateItem, Service
from tests.factories import PASSWORD, Role, make_request_type, make_service, make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


def test_agency_user_finds_a_service_and_reads_its_sla(org, page, sign_in):
    laptop = make_service(
        "LAPTOP",
        name="Laptop provisioning",
        category="it",
        description="Standard laptops, imaged and delivered.",
    )
    make_request_type(laptop, name="New laptop")
    make_service("PAYRUN", name="Payroll run", category="payroll")

    sign_in("a.requester", PASSWORD)
    page.get_by_role("link", name="Catalog").first.click()
    expect(page.get_by_role("heading", name="Service catalog")).to_be_visible()
    page.get_by_label("Search services").fill("laptop")
    page.get_by_role("button", name="Search").click()
    services = page.get_by_test_id("service-list")
    expect(services).to_contain_text("Laptop provisioning")
    expect(services).not_to_contain_text("Payroll run")
    services.get_by_role("link", name="Laptop provisioning").click()

    expect(page.get_by_role("heading", name="Laptop provisioning")).to_be_visible()
    sla = page.get_by_test_id("sla")
    expect(sla).to_contain_text("First response within 4 business hours")
    expect(sla).to_contain_text("P1 critical")
    expect(page.get_by_test_id("support-hours")).to_contain_text("Mon-Fri 09:00-17:00")
    expect(page.get_by_text("New laptop")).to_be_visible()


def test_service_owner_takes_a_service_through_the_gate_to_live(org, page, sign_in):
    manager = make_user(Role.AGENT, username="manager")
    ChecklistTemplateItem.objects.create(
        name="Monitoring in place", default_approver=org.specialist
    )
    service = make_service(
        "HRPORTAL",
        name="HR self-service portal",
        category="hr",
        lifecycle_state="transition",
        service_manager=manager,
    )
    ensure_checklist(service)

    # 1. The owner sees what is missing, and going live is refused with the same list.
    sign_in("owner", PASSWORD)
    page.goto("/catalog/services/HRPORTAL/transition/")
    gate = page.get_by_test_id("gate")
    expect(gate).to_contain_text("Knowledge: write at least one service-desk knowledge article.")
    expect(gate).to_contain_text("has not accepted the service")
    expect(gate).to_contain_text("awaits sign-off")
    page.get_by_role("button", name="Go live").click()
    blocked = page.get_by_test_id("gate-blocked")
    expect(blocked).to_contain_text("Cannot go live yet")
    expect(blocked).to_contain_text("Monitoring in place")

    # 2. The owner writes the service-desk article.
    page.get_by_role("link", name="Write knowledge article").click()
    page.get_by_label("Title").fill("HR portal: service desk guide")
    page.get_by_label("Body (Markdown)").fill("## Triage\n\nCheck the **employee ID** first.")
    page.get_by_label("Audience").select_option("internal")
    page.get_by_role("button", name="Save article").click()
    expect(page.get_by_test_id("article-body").locator("strong")).to_have_text("employee ID")
    sign_out(page)

    # 3. The service manager accepts the service.
    sign_in("manager", PASSWORD)
    page.goto("/catalog/services/HRPORTAL/transition/")
    page.get_by_role("button", name="Accept this service as its service manager").click()
    expect(page.get_by_role("alert").first).to_contain_text("You accepted HR self-service portal")
    sign_out(page)

    # 4. The appointed approver signs off the checklist item (htmx swaps the row in place).
    sign_in("specialist", PASSWORD)
    page.goto("/catalog/services/HRPORTAL/transition/")
    row = page.get_by_test_id("checklist-item").filter(has_text="Monitoring in place")
    row.get_by_label("Sign-off note for Monitoring in place").fill("Dashboards reviewed")
    row.get_by_role("button", name="Sign off").click()
    expect(
        page.get_by_test_id("checklist-item").filter(has_text="Monitoring in place")
    ).to_contain_text("Signed off by")
    sign_out(page)

    # 5. The owner goes live.
    sign_in("owner", PASSWORD)
    page.goto("/catalog/services/HRPORTAL/transition/")
    expect(page.get_by_test_id("gate-ready")).to_be_visible()
    page.get_by_role("button", name="Go live").click()
    expect(page.get_by_test_id("lifecycle")).to_have_text("Live")
    expect(page.get_by_role("alert").first).to_contain_text("is now live")
    assert Service.objects.get(code="HRPORTAL").lifecycle_state == "live"
