"""Browser journeys: file a ticket with a form, triage/reply/resolve it, rate it."""

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD, make_request_type, make_service

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def laptop(org):
    service = make_service("DESK", name="Service desk", team=org.desk)
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
        ],
    )


def _sign_out(page):
    page.get_by_role("button", name="Sign out").click()


def test_file_triage_resolve_and_rate(org, laptop, page, sign_in, live_server):
    from tickets.models import Ticket

    # The requester files a ticket from the service's form and sees it.
    sign_in("a.requester", PASSWORD)
    page.goto(f"{live_server.url}/tickets/new/?service=DESK&request_type={laptop.pk}")
    page.get_by_label("Title").fill("Laptop for <b>new</b> hire")
    page.get_by_label("Model *").select_option("pro")
    page.get_by_role("button", name="File ticket").click()
    expect(page.get_by_test_id("ticket-title")).to_have_text("Laptop for <b>new</b> hire")
    number = Ticket.objects.get().number
    page.goto(f"{live_server.url}/tickets/")
    expect(page.get_by_test_id("ticket-list")).to_contain_text(number)
    _sign_out(page)

    # The agent takes it, replies (htmx, in place) and resolves it.
    sign_in("agent", PASSWORD)
    page.goto(f"{live_server.url}/tickets/queue/")
    page.get_by_role("link", name=number).click()
    page.locator("select[name=assignee]").first.select_option("me")
    page.get_by_role("button", name="Assign").click()
    expect(page.get_by_test_id("assignee")).to_contain_text("Test")
    page.get_by_label("Reply or internal note").fill("Your laptop is on its way.")
    page.get_by_role("button", name="Send reply").click()
    expect(page.get_by_test_id("reply")).to_contain_text("Your laptop is on its way.")
    page.get_by_label("Change status").select_option("resolved")
    page.get_by_role("button", name="Apply").click()
    expect(page.locator(".badge", has_text="Resolved")).to_be_visible()
    _sign_out(page)

    # The requester rates it.
    sign_in("a.requester", PASSWORD)
    page.goto(f"{live_server.url}/tickets/{number}/")
    page.get_by_test_id("rate-link").click()
    page.get_by_label("5").check()
    page.get_by_label("Comment").fill("Fast, thanks")
    page.get_by_role("button", name="Send rating").click()
    expect(page.get_by_text("Rated 5/5")).to_be_visible()
    ticket = Ticket.objects.get()
    assert ticket.status == "resolved" and ticket.first_response_at is not None
    assert ticket.rating.score == 5
