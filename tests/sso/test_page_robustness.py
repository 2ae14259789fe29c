"""Bad query strings on the main pages get a page or a 4xx, never a 500."""

import pytest

PAGES = ["/", "/agencies/", "/teams/", "/catalog/", "/catalog/subscriptions/", "/catalog/knowledge/",
         "/tickets/", "/tickets/queue/", "/tickets/dispatch/", "/tickets/agency/", "/sla/", "/notices/"]  # fmt: skip
GARBAGE = [
    {"q": "\x00"},
    {"page": "-1"},
    {"page": "x"},
    {"status": "\x00"},
    {"agency": "\x00"},
    {"service": "\x00"},
    {"priority": "urgent"},
    {"sort": "'; drop"},
    {"month_from": "\x00"},
    {"category": "\x00"},
]


@pytest.mark.parametrize("path", PAGES)
def test_pages_survive_garbage(path, client, org):
    for user in (org.admin, org.agent, org.requester_a):
        client.force_login(user)
        for params in GARBAGE:
            response = client.get(path, params)
            assert response.status_code < 500, (user.username, params, response.status_code)
