"""Audit findings: bad input on ticket pages and the API is never a 500, and agency staff never
reach a service that is not published through the filing form."""

import pytest
from django.urls import reverse

from tests.factories import make_service

# "²" passes str.isdigit() but int() refuses it.
NOT_A_NUMBER = ("abc", "²")


@pytest.fixture
def ticket(file_ticket):
    return file_ticket()


@pytest.mark.parametrize("team", NOT_A_NUMBER)
def test_assign_with_a_team_that_is_not_a_number_is_not_a_500(org, client, ticket, team):
    client.force_login(org.agent)
    response = client.post(reverse("tickets:assign", args=[ticket.number]), {"team": team})
    assert response.status_code == 302


@pytest.mark.parametrize("assignee", NOT_A_NUMBER)
def test_assign_with_an_assignee_that_is_not_a_number_is_not_a_500(org, client, ticket, assignee):
    client.force_login(org.agent)
    response = client.post(reverse("tickets:assign", args=[ticket.number]), {"assignee": assignee})
    assert response.status_code == 302


@pytest.mark.parametrize("team", NOT_A_NUMBER)
def test_escalate_with_a_team_that_is_not_a_number_is_not_a_500(org, client, ticket, team):
    client.force_login(org.agent)
    response = client.post(
        reverse("tickets:escalate", args=[ticket.number]), {"team": team, "reason": "Stuck."}
    )
    assert response.status_code == 302


@pytest.mark.parametrize(
    "data",
    [
        {"action": "assign", "team": "abc"},
        {"action": "assign", "team": "²"},
        {"action": "assign", "assignee": "²"},
    ],
)
def test_bulk_assign_with_ids_that_are_not_numbers_is_not_a_500(org, client, ticket, data):
    client.force_login(org.agent)
    response = client.post(reverse("tickets:bulk"), {"ticket": [str(ticket.pk)], **data})
    assert response.status_code == 302


def test_bulk_action_with_a_ticket_id_that_is_not_a_number_is_not_a_500(org, client, ticket):
    client.force_login(org.agent)
    response = client.post(reverse("tickets:bulk"), {"ticket": ["²"], "action": "triaged"})
    assert response.status_code == 302


@pytest.mark.parametrize(
    "params",
    [
        {"team": "²"},
        {"assignee": "²"},
        {"agency": "²"},
        {"service": "²"},
        {"due": "²"},
        {"due": "100000000"},  # hours: past the last date Python can hold
        {"opened_from": "2026-13-45"},  # well formed, not a date
        {"opened_to": "2026-02-30T10:00"},
        {"opened_to": "9999-12-31"},  # the day after is past the last date Python can hold
    ],
)
def test_queue_filters_that_are_not_numbers_or_dates_are_not_a_500(org, client, ticket, params):
    client.force_login(org.agent)
    assert client.get(reverse("tickets:queue"), {"status": "open", **params}).status_code == 200
    client.force_login(org.requester_a)
    assert client.get(reverse("tickets:agency"), params).status_code == 200


def test_api_ticket_filter_by_agency_that_is_not_a_number_is_not_a_500(org, api, ticket):
    response = api.as_user(org.agent).get("/api/v1/tickets/", {"agency": "²"})
    assert response.status_code in (200, 400)


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/request-types/?service=²",
        "/api/v1/slas/?service=²",
        "/api/v1/articles/suggest/?service=²&text=printer",
        "/api/v1/sla-compliance/?service=²",
    ],
)
def test_catalog_and_compliance_api_filters_that_are_not_numbers_are_not_a_500(org, api, url):
    assert api.as_user(org.agent).get(url).status_code in (200, 400)


def test_filing_form_does_not_show_agency_staff_a_service_not_yet_published(org, client):
    make_service("PIPE", lifecycle_state="design", name="Secret pipeline service")
    client.force_login(org.requester_a)
    response = client.get(reverse("tickets:new"), {"service": "PIPE"})
    assert response.status_code == 404
    assert b"Secret pipeline service" not in response.content
