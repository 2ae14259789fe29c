"""Bad input never gets a 500, on any endpoint of the router."""

import pytest
from django.urls import reverse

from sso.api.urls import router

ENDPOINTS = [(prefix, basename) for prefix, _viewset, basename in router.registry]
GARBAGE_QUERIES = [
    {"page": "0"},
    {"page": "-1"},
    {"page_size": "abc"},
    {"page_size": "-5"},
    {"ordering": "no_such_field"},
    {"agency": "\x00"},
    {"service": "'; DROP TABLE x; --"},
    {"status": "x" * 5000},
    {"date_from": "2026-02-30"},
    {"priority": "high"},
]
GARBAGE_BODIES = [
    [],
    "text",
    {"id": {"nested": True}},
    {"name": ["a", "b"], "code": None},
    {"agency": "\x00"},
]


@pytest.mark.parametrize(("prefix", "basename"), ENDPOINTS, ids=[p for p, _ in ENDPOINTS])
def test_garbage_never_causes_a_500(prefix, basename, api, org):
    client = api.as_user(org.admin)
    url = reverse(f"{basename}-list")
    for params in GARBAGE_QUERIES:
        response = client.get(url, params)
        assert response.status_code < 500, (params, response.status_code)
    for body in GARBAGE_BODIES:
        response = client.post(url, body, format="json")
        assert response.status_code < 500, (body, response.status_code)
    response = client.post(url, b"{not json", content_type="application/json")
    assert response.status_code in (400, 405)  # 405: a read-only endpoint
    for pk in ("999999999", "abc", "-1"):
        response = client.get(f"{url}{pk}/")
        assert response.status_code in (404, 400), (pk, response.status_code)


def test_ordering_ties_are_broken_by_id_so_pages_are_stable(api, org):
    from tests.factories import make_agency

    for n in range(5):
        make_agency(f"TIE{n}", level="city", end_user_count=7)
    client = api.as_user(org.admin)
    seen = []
    for page in (1, 2, 3, 4):
        body = client.get(
            "/api/v1/agencies/", {"ordering": "end_user_count", "page_size": 2, "page": page}
        ).json()
        seen += [row["id"] for row in body.get("results", [])]
    assert len(seen) == len(set(seen)) == 7  # two agencies of the org fixture and five ties
    ties = [pk for pk in seen if pk not in (org.agency_a.pk, org.agency_b.pk)]
    assert ties == sorted(ties)
