import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_agency_user_lands_on_agency_home(org, page, sign_in):
    sign_in("a.requester", PASSWORD)
    expect(page.get_by_test_id("home-heading")).to_have_text("Agency A")
    expect(page.get_by_test_id("whoami")).to_contain_text("AAA")
    expect(page.get_by_role("link", name="My agency")).to_be_visible()
    expect(page.get_by_role("link", name="Agencies", exact=True)).to_have_count(0)


def test_agent_lands_on_service_desk_home(org, page, sign_in):
    sign_in("agent", PASSWORD)
    expect(page.get_by_test_id("home-heading")).to_have_text("Service desk")
    expect(page.get_by_role("link", name="Agencies", exact=True)).to_be_visible()
    expect(page.get_by_text("Service Desk (tier 1")).to_be_visible()


def test_wrong_password_is_refused_with_a_message(org, page, sign_in):
    sign_in("a.requester", "not-the-password")
    expect(page.get_by_test_id("login-error")).to_be_visible()
    expect(page).to_have_url(page.url)
    assert "/accounts/login/" in page.url


def test_sign_out(org, page, sign_in):
    sign_in("agent", PASSWORD)
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
