"""The tickets API per API.md: fields, filters, transitions, comments, ETags, tenancy."""

import pytest
from django.urls import reverse

from tests.factories import make_service
from tickets.models import Status, Ticket
from tickets.workflow import create_ticket, transition

LIST = "/api/v1/tickets/"


def _detail(ticket):
    return f"/api/v1/tickets/{ticket.pk}/"


def test_file_by_code_and_read_back(org, api, request_type):
    client = api.as_user(org.requester_a)
    response = client.post(
        LIST,
        {
            "service": "DESK",
            "request_type": request_type.pk,
            "title": "<script>alert(1)</script>",
            "fields": {"model": "basic"},
            "impact": 1,
            "urgency": 1,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    for field in [
        "id",
        "number",
        "agency",
        "requester",
        "service",
        "request_type",
        "kind",
        "title",
        "description",
        "impact",
        "urgency",
        "priority",
        "status",
        "team",
        "assignee",
        "tier",
        "fields",
        "opened_at",
        "first_response_at",
        "resolved_at",
        "closed_at",
        "response_due_at",
        "resolution_due_at",
        "response_breached",
        "resolution_breached",
        "paused_minutes",
    ]:
        assert field in body
    assert body["agency"] == org.agency_a.pk
    assert body["priority"] == 1
    assert body["title"] == "<script>alert(1)</script>"  # stored as text, escaped on pages
    assert body["opened_at"].endswith("Z")


@pytest.mark.parametrize(
    ("payload", "code", "key"),
    [
        ({"service": "NOPE", "title": "x"}, 400, "service"),
        ({"service": "DESK", "title": "x", "impact": 7}, 400, "impact"),
        ({"service": "DESK", "title": "x", "agency": "BBB"}, 400, "agency"),
        ({"service": "OLD", "title": "x"}, 409, "detail"),
        (
            {"service": "DESK", "title": "x", "fields": {"model": "gold"}, "request_type": 0},
            400,
            "request_type",
        ),
        ({"service": "DESK"}, 400, "title"),
    ],
)
def test_bad_filings(org, api, service, payload, code, key):
    make_service("OLD", lifecycle_state="retired")
    response = api.as_user(org.requester_a).post(LIST, payload, format="json")
    assert response.status_code == code, response.content
    assert key in response.json()
    assert not Ticket.objects.exists()


def test_bad_field_values_400(org, api, request_type):
    response = api.as_user(org.requester_a).post(
        LIST,
        {
            "service": "DESK",
            "request_type": request_type.pk,
            "title": "x",
            "fields": {"model": "gold"},
        },
        format="json",
    )
    assert response.status_code == 400
    assert "fields" in response.json()


def test_transition_and_409(org, api, file_ticket):
    ticket = file_ticket()
    client = api.as_user(org.agent)
    url = f"{_detail(ticket)}transition/"
    assert (
        client.post(url, {"status": "resolved", "note": "Fixed"}, format="json").status_code == 200
    )
    assert client.post(url, {"status": "closed"}, format="json").status_code == 200
    response = client.post(url, {"status": "in_progress"}, format="json")
    assert response.status_code == 409
    assert "detail" in response.json()
    assert client.post(url, {"status": "bogus"}, format="json").status_code == 400


def test_legacy_at_rules(org, api, file_ticket):
    from datetime import timedelta

    from django.utils import timezone

    opened = timezone.now() - timedelta(days=3)
    ticket = file_ticket(opened_at=opened)
    client = api.as_user(org.integrator)
    url = f"{_detail(ticket)}transition/"
    future = (timezone.now() + timedelta(hours=2)).isoformat()
    assert (
        client.post(url, {"status": "in_progress", "at": future}, format="json").status_code == 400
    )
    before = (opened - timedelta(hours=1)).isoformat()
    assert (
        client.post(url, {"status": "in_progress", "at": before}, format="json").status_code == 400
    )
    ok = (opened + timedelta(hours=1)).isoformat()
    assert client.post(url, {"status": "in_progress", "at": ok}, format="json").status_code == 200
    comment = client.post(
        f"{_detail(ticket)}comments/",
        {
            "body": "Imported reply",
            "author": org.agent.pk,
            "created_at": (opened + timedelta(hours=2)).isoformat(),
        },
        format="json",
    )
    assert comment.status_code == 201, comment.content
    ticket.refresh_from_db()
    assert ticket.first_response_at == opened + timedelta(hours=2)


def test_comments_hide_internal_notes_from_agency_users(org, api, file_ticket):
    ticket = file_ticket()
    agent = api.as_user(org.agent)
    url = f"{_detail(ticket)}comments/"
    assert (
        agent.post(url, {"body": "internal thing", "internal": True}, format="json").status_code
        == 201
    )
    assert agent.post(url, {"body": "public thing"}, format="json").status_code == 201
    bodies = [c["body"] for c in agent.get(url).json()["results"]]
    assert bodies == ["internal thing", "public thing"]
    requester = api.as_user(org.requester_a)
    bodies = [c["body"] for c in requester.get(url).json()["results"]]
    assert bodies == ["public thing"]
    assert (
        requester.post(url, {"body": "sneaky", "internal": True}, format="json").status_code == 400
    )
    events = requester.get(f"{_detail(ticket)}events/").json()["results"]
    assert all(not e.get("internal") for e in events)
    # Another agency cannot even see the ticket.
    assert api.as_user(org.requester_b).get(url).status_code == 404


def test_filters(org, api, file_ticket, service):
    a = file_ticket(title="Alpha printer")
    other_service = make_service("NET", team=org.specialists)
    b = create_ticket(acting_user=org.requester_b, service=other_service, title="Beta network")
    transition(b, Status.RESOLVED, acting_user=org.agent)
    client = api.as_user(org.agent)

    def ids(**params):
        response = client.get(LIST, params)
        assert response.status_code == 200, response.content
        return {row["id"] for row in response.json()["results"]}

    assert ids(agency="AAA") == {a.pk}
    assert ids(agency=org.agency_b.pk) == {b.pk}
    assert ids(service="NET") == {b.pk}
    assert ids(status="resolved") == {b.pk}
    assert ids(q="printer") == {a.pk}
    assert ids(q=a.number) == {a.pk}
    assert ids(breached="false") == {a.pk, b.pk}
    assert ids(team=org.specialists.pk) == {b.pk}


def test_patch_with_if_match_two_agents(org, api, file_ticket):
    ticket = file_ticket()
    first = api.as_user(org.agent)
    etag = first.get(_detail(ticket))["ETag"]
    from rest_framework.test import APIClient

    from sso.organization import issue_api_token

    second = APIClient()
    second.credentials(HTTP_AUTHORIZATION=f"Token {issue_api_token(org.specialist)}")
    ok = second.patch(_detail(ticket), {"priority": 1}, format="json", HTTP_IF_MATCH=etag)
    assert ok.status_code == 200, ok.content
    stale = first.patch(_detail(ticket), {"title": "Mine"}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    ticket.refresh_from_db()
    assert ticket.priority == 1 and ticket.title != "Mine"
    assert ticket.events.filter(kind="priority").exists()


def test_patch_assignment_and_forbidden_fields(org, api, file_ticket):
    ticket = file_ticket()
    client = api.as_user(org.agent)
    response = client.patch(_detail(ticket), {"assignee": org.agent.pk}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["assignee"] == org.agent.pk
    assert (
        api.as_user(org.requester_a)
        .patch(_detail(ticket), {"title": "x"}, format="json")
        .status_code
        == 403
    )


def test_attachments_api(org, api, file_ticket, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    settings.TICKETS_MAX_ATTACHMENT_BYTES = 100
    ticket = file_ticket()
    client = api.as_user(org.requester_a)
    url = f"{_detail(ticket)}attachments/"
    big = SimpleUploadedFile("big.txt", b"x" * 200, "text/plain")
    assert client.post(url, {"file": big}, format="multipart").status_code == 400
    ok = client.post(
        url, {"file": SimpleUploadedFile("a.txt", b"hi", "text/plain")}, format="multipart"
    )
    assert ok.status_code == 201, ok.content
    download = client.get(ok.json()["download_url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"hi"
    assert api.as_user(org.requester_b).get(ok.json()["download_url"]).status_code == 404


def test_list_query_count_does_not_grow(org, api, file_ticket, django_assert_max_num_queries):
    for i in range(3):
        file_ticket(title=f"T{i}")
    client = api.as_user(org.agent)
    client.get(LIST)  # warm caches (content types, etc.)
    with django_assert_max_num_queries(12) as small:
        client.get(LIST, {"page_size": 2})
    for i in range(12):
        file_ticket(title=f"U{i}")
    with django_assert_max_num_queries(12) as large:
        client.get(LIST, {"page_size": 15})
    assert len(large.captured_queries) == len(small.captured_queries)


def test_reverse_names():
    assert reverse("ticket-list") == LIST


def test_list_rows_answer_what_the_detail_answers(org, api, file_ticket):
    """The list reads tags and watchers for the whole page; each row still equals the detail."""
    from tickets.triage import update_details

    plain = file_ticket(title="Plain")
    tagged = file_ticket(title="Tagged")
    update_details(
        tagged,
        acting_user=org.agent,
        tags=["zeta", "alpha", "mid"],
        watchers=[org.requester_a, org.agent],
    )
    client = api.as_user(org.agent)
    rows = {row["id"]: row for row in client.get(LIST).json()["results"]}
    assert set(rows) >= {plain.pk, tagged.pk}
    assert rows[tagged.pk]["tags"] == ["alpha", "mid", "zeta"]
    by_username = sorted([org.requester_a, org.agent], key=lambda user: user.username)
    assert rows[tagged.pk]["watchers"] == [user.pk for user in by_username]
    assert rows[plain.pk]["tags"] == [] and rows[plain.pk]["watchers"] == []
    for pk, row in rows.items():
        assert client.get(_detail(Ticket.objects.get(pk=pk))).json() == row


@pytest.mark.parametrize("query", [{}, {"status": "new"}, {"q": "Printer"}, {"agency": "AAA"}])
def test_pages_walk_the_whole_list_once_in_order(org, api, file_ticket, query):
    for i in range(7):
        file_ticket(title=f"Printer {i}")
    client = api.as_user(org.agent)
    expected = list(Ticket.objects.order_by("-opened_at", "-id").values_list("pk", flat=True))
    assert len(expected) == 7
    seen = []
    for page in (1, 2, 3):
        body = client.get(LIST, {**query, "page_size": 3, "page": page}).json()
        assert body["count"] == len(expected)
        seen += [row["id"] for row in body["results"]]
    assert seen == expected
