"""The catalog API as integrators see it (shared/API.md): shapes, roles, filters, bad input."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import (
    Article,
    BusinessCalendar,
    ChecklistItem,
    RequestType,
    Service,
    ServiceLevel,
    Subscription,
)
from tests.catalog.conftest import make_article
from tests.factories import make_calendar, make_request_type, make_service, make_team

pytestmark = pytest.mark.django_db


# --- services -----------------------------------------------------------------------------


def test_agency_user_reads_the_published_catalog_with_filters(org, api):
    make_service("LAPTOP", name="Laptops", category="it")
    make_service("PAYRUN", name="Payroll run", category="payroll")
    make_service("OLD", name="Old mail", category="it", lifecycle_state="retired")
    make_service("NEXT", name="Next thing", category="it", lifecycle_state="design")
    client = api.as_user(org.requester_a)

    codes = {row["code"] for row in client.get("/api/v1/services/").json()["results"]}
    assert codes == {"LAPTOP", "PAYRUN", "OLD"}  # the design-stage service is the provider's
    live_it = client.get("/api/v1/services/", {"category": "it", "lifecycle_state": "live"})
    assert [row["code"] for row in live_it.json()["results"]] == ["LAPTOP"]
    row = live_it.json()["results"][0]
    for key in (
        "id",
        "code",
        "name",
        "category",
        "description",
        "lifecycle_state",
        "owner_team",
        "calendar",
        "has_standard_sop",
    ):
        assert key in row

    provider = api.as_user(org.agent)
    assert provider.get("/api/v1/services/", {"code": "NEXT"}).json()["count"] == 1


def test_only_service_owners_and_admins_write_the_catalog(org, api):
    team = make_team()
    body = {"code": "VPN", "name": "Remote access VPN", "category": "it", "owner_team": team.pk}
    for user in (org.requester_a, org.approver_a, org.agent, org.finance_admin):
        assert api.as_user(user).post("/api/v1/services/", body, format="json").status_code == 403
    created = api.as_user(org.owner).post("/api/v1/services/", body, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["lifecycle_state"] == "proposed"
    service = Service.objects.get(code="VPN")
    assert service.history.first().history_user == org.owner


def test_service_bad_input_is_400_and_nothing_saved(org, api):
    make_service("TAKEN", name="Taken")
    client = api.as_user(org.owner)
    for body, field in (
        ({"code": "bad code", "name": "X", "category": "it"}, "code"),
        ({"code": "NEW", "name": "X", "category": "spaceships"}, "category"),
        ({"code": "TAKEN", "name": "Another", "category": "it"}, "code"),
        ({"code": "NEW", "name": "X", "category": "it", "lifecycle_state": "live"}, "lifecycle_state"),
        ({"code": "NEW", "name": "X", "category": "it", "has_standard_sop": True}, "sop_link"),
        ({"code": "NEW", "name": "X", "category": "it", "service_manager": org.requester_a.pk}, "service_manager"),
    ):  # fmt: skip
        response = client.post("/api/v1/services/", body, format="json")
        assert response.status_code == 400, (body, response.content)
        assert field in response.json(), response.json()
    assert Service.objects.count() == 1


def test_lifecycle_state_is_not_a_plain_field(org, api):
    service = make_service(lifecycle_state="design")
    response = api.as_user(org.owner).patch(
        f"/api/v1/services/{service.pk}/", {"lifecycle_state": "proposed"}, format="json"
    )
    assert response.status_code == 409
    service.refresh_from_db()
    assert service.lifecycle_state == "design"


# --- lifecycle and the gate ---------------------------------------------------------------


def test_go_live_is_409_with_what_is_missing(org, api, transition_service, template_item):
    ServiceLevel.objects.filter(service=transition_service, priority=4).delete()
    client = api.as_user(org.owner)
    url = f"/api/v1/services/{transition_service.pk}/lifecycle/"
    response = client.post(url, {"state": "live"}, format="json")
    assert response.status_code == 409
    payload = response.json()
    assert "detail" in payload
    missing = " | ".join(payload["missing"])
    assert "P4" in missing
    assert "knowledge" in missing.lower()
    assert "has not accepted" in missing
    assert "Monitoring in place" in missing
    assert "Resolver team" not in missing  # the factory set one
    transition_service.refresh_from_db()
    assert transition_service.lifecycle_state == "transition"


def test_taking_a_service_through_the_gate(org, api, transition_service, template_item, manager):
    service = transition_service
    owner = api.as_user(org.owner)
    # Entering transition again is a no-op; the template item is added when it was entered.
    ChecklistItem.objects.create(service=service, name="Runbook reviewed", approver=org.agent)
    from catalog.lifecycle import ensure_checklist

    ensure_checklist(service)
    gate = owner.get(f"/api/v1/services/{service.pk}/gate/").json()
    assert not gate["ready"]
    assert {"live", "design", "retired"} == set(gate["allowed_moves"])

    make_article(service, audience="internal", title="Service desk guide")
    # The manager accepts; nobody else can.
    assert owner.post(f"/api/v1/services/{service.pk}/accept/").status_code == 403
    accepted = api.as_user(manager).post(f"/api/v1/services/{service.pk}/accept/")
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["manager_accepted_at"]

    items = owner.get("/api/v1/checklist-items/", {"service": service.code}).json()["results"]
    assert {i["name"] for i in items} == {"Runbook reviewed", "Monitoring in place"}
    for item in items:
        url = f"/api/v1/checklist-items/{item['id']}/sign-off/"
        # The service owner and even an admin cannot sign off for the appointed approver.
        assert owner.post(url).status_code == 403
        assert api.as_user(org.admin).post(url).status_code == 403
        approver = org.agent if item["approver"] == org.agent.pk else org.specialist
        signed = api.as_user(approver).post(url, {"note": "checked"}, format="json")
        assert signed.status_code == 200, signed.content
        assert signed.json()["signed_off_by"] == approver.pk
        assert api.as_user(approver).post(url).status_code == 409  # once is enough

    owner = api.as_user(org.owner)  # the client was signed in as each approver above
    live = owner.post(f"/api/v1/services/{service.pk}/lifecycle/", {"state": "live"}, format="json")
    assert live.status_code == 200, live.content
    assert live.json()["lifecycle_state"] == "live"


def test_lifecycle_moves_the_gate_forbids(org, api):
    client = api.as_user(org.owner)
    proposed = make_service(lifecycle_state="proposed")
    retired = make_service(lifecycle_state="retired")
    jump = client.post(
        f"/api/v1/services/{proposed.pk}/lifecycle/", {"state": "live"}, format="json"
    )
    assert jump.status_code == 409
    assert jump.json()["allowed"] == ["design", "retired"]
    back = client.post(
        f"/api/v1/services/{retired.pk}/lifecycle/", {"state": "live"}, format="json"
    )
    assert back.status_code == 409
    nonsense = client.post(
        f"/api/v1/services/{proposed.pk}/lifecycle/", {"state": "gone"}, format="json"
    )
    assert nonsense.status_code == 400
    assert "state" in nonsense.json()
    agent = api.as_user(org.agent).post(
        f"/api/v1/services/{proposed.pk}/lifecycle/", {"state": "design"}, format="json"
    )
    assert agent.status_code == 403
    proposed.refresh_from_db()
    assert proposed.lifecycle_state == "proposed"


def test_checklist_is_provider_only(org, api, transition_service):
    item = ChecklistItem.objects.create(service=transition_service, name="X", approver=org.agent)
    client = api.as_user(org.requester_a)
    assert client.get("/api/v1/checklist-items/").status_code == 403
    assert client.get(f"/api/v1/checklist-items/{item.pk}/").status_code == 403


def test_changing_the_approver_withdraws_a_sign_off(org, api, transition_service):
    item = ChecklistItem.objects.create(service=transition_service, name="X", approver=org.agent)
    api.as_user(org.agent).post(f"/api/v1/checklist-items/{item.pk}/sign-off/")
    response = api.as_user(org.owner).patch(
        f"/api/v1/checklist-items/{item.pk}/", {"approver": org.specialist.pk}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["signed_off_at"] is None
    bad = api.as_user(org.owner).patch(
        f"/api/v1/checklist-items/{item.pk}/", {"approver": org.requester_a.pk}, format="json"
    )
    assert bad.status_code == 400


# --- calendars ----------------------------------------------------------------------------


def test_calendar_round_trip(org, api):
    client = api.as_user(org.owner)
    body = {
        "name": "Split shift",
        "timezone": "America/Chicago",
        "hours": [
            {"weekday": 0, "start": "08:00", "end": "12:00"},
            {"weekday": 0, "start": "13:00", "end": "17:00"},
            {"weekday": 5, "start": "00:00", "end": "24:00"},
        ],
        "holidays": [{"date": "2026-12-25", "name": "Christmas Day"}],
    }
    created = client.post("/api/v1/calendars/", body, format="json")
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["hours"] == body["hours"]
    assert data["holidays"] == body["holidays"]
    url = f"/api/v1/calendars/{data['id']}/"
    patched = client.patch(url, {"holidays": []}, format="json")
    assert patched.json()["holidays"] == []
    assert patched.json()["hours"] == body["hours"]  # omitted: kept


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"hours": []}, "hours", "at least one"),
        ({"hours": [{"weekday": 0, "start": "17:00", "end": "09:00"}]}, "hours", "ends before"),
        (
            {
                "hours": [
                    {"weekday": 0, "start": "09:00", "end": "12:00"},
                    {"weekday": 0, "start": "11:00", "end": "14:00"},
                ]
            },
            "hours",
            "overlaps",
        ),
        ({"hours": [{"weekday": 0, "start": "9am", "end": "17:00"}]}, "hours", "08:30"),
        ({"timezone": "Mars/Olympus"}, "timezone", "time zone"),
        (
            {
                "holidays": [
                    {"date": "2026-12-25", "name": "A"},
                    {"date": "2026-12-25", "name": "B"},
                ]
            },
            "holidays",
            "twice",
        ),
    ],
)
def test_calendar_bad_input_is_400_and_nothing_saved(org, api, change, field, words):
    body = {
        "name": "Broken",
        "timezone": "America/New_York",
        "hours": [{"weekday": 0, "start": "09:00", "end": "17:00"}],
    } | change
    response = api.as_user(org.owner).post("/api/v1/calendars/", body, format="json")
    assert response.status_code == 400, response.content
    assert words in str(response.json()[field])
    assert not BusinessCalendar.objects.filter(name="Broken").exists()


def test_calendar_without_hours_key_is_refused(org, api):
    response = api.as_user(org.owner).post(
        "/api/v1/calendars/", {"name": "No hours", "timezone": "UTC"}, format="json"
    )
    assert response.status_code == 400
    assert "hours" in response.json()


def test_holiday_import_from_the_holidays_package(org, api):
    calendar = make_calendar(holidays=[date(2026, 12, 25)])
    client = api.as_user(org.owner)
    url = f"/api/v1/calendars/{calendar.pk}/import-holidays/"
    response = client.post(
        url,
        {"country": "US", "subdivision": "VA", "year_from": 2026, "year_to": 2027},
        format="json",
    )
    assert response.status_code == 200, response.content
    dates = {h["date"] for h in response.json()["holidays"]}
    assert {"2026-07-03", "2026-11-26", "2027-01-01", "2026-12-25"} <= dates
    assert response.json()["added"] == len(dates) - 1
    again = client.post(url, {"country": "US", "year_from": 2026, "year_to": 2026}, format="json")
    assert again.json()["added"] == 0  # idempotent
    for bad in (
        {"country": "XX", "year_from": 2026, "year_to": 2026},
        {"country": "US", "subdivision": "ZZ", "year_from": 2026, "year_to": 2026},
        {"country": "US", "year_from": 2027, "year_to": 2026},
        {"country": "US", "year_from": 2000, "year_to": 2030},
    ):
        assert client.post(url, bad, format="json").status_code == 400, bad


def test_calendar_in_use_cannot_be_deleted(org, api):
    service = make_service()
    response = api.as_user(org.owner).delete(f"/api/v1/calendars/{service.calendar_id}/")
    assert response.status_code == 409


# --- request types and forms -----------------------------------------------------------------


def test_request_type_with_form(org, api):
    service = make_service("LAPTOP")
    fields = [
        {"name": "cost_center", "label": "Cost center", "type": "text", "required": True},
        {"name": "model", "label": "Model", "type": "choice", "choices": ["13 inch", "15 inch"]},
        {"name": "needed_by", "type": "date", "help_text": "When"},
    ]
    response = api.as_user(org.owner).post(
        "/api/v1/request-types/",
        {"service": "LAPTOP", "name": "New laptop", "fields": fields, "default_priority": 3},
        format="json",
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["service"] == service.pk
    assert data["fields"][2]["label"] == "Needed by"
    listed = api.as_user(org.requester_b).get("/api/v1/request-types/", {"service": "LAPTOP"})
    assert [r["name"] for r in listed.json()["results"]] == ["New laptop"]


@pytest.mark.parametrize(
    "fields",
    [
        "not a list",
        [{"name": "Bad Name", "type": "text"}],
        [{"name": "size", "type": "choice"}],
        [{"name": "size", "type": "colour"}],
        [{"name": "a", "type": "text"}, {"name": "a", "type": "text"}],
        [{"name": "a", "type": "text", "choices": ["x"]}],
        [{"name": "a", "type": "text", "required": "yes"}],
    ],
)
def test_invalid_form_definitions_are_400(org, api, fields):
    make_service("LAPTOP")
    response = api.as_user(org.owner).post(
        "/api/v1/request-types/",
        {"service": "LAPTOP", "name": "Broken", "fields": fields},
        format="json",
    )
    assert response.status_code == 400, response.content
    assert "fields" in response.json()
    assert not RequestType.objects.exists()


def test_request_type_for_unknown_service_is_400(org, api):
    response = api.as_user(org.owner).post(
        "/api/v1/request-types/", {"service": "NOPE", "name": "X"}, format="json"
    )
    assert response.status_code == 400
    assert "service" in response.json()


# --- SLAs ---------------------------------------------------------------------------------


def test_sla_shape_and_plain_words(org, api):
    service = make_service("LAPTOP")
    response = api.as_user(org.requester_a).get(
        "/api/v1/slas/", {"service": "LAPTOP", "priority": 2}
    )
    row = response.json()["results"][0]
    assert row["service"] == service.pk
    assert row["response_minutes"] == 240
    assert row["compliance_target_pct"] == "90.00"
    assert (
        row["summary"]
        == "first response within 4 business hours, resolved within 16 business hours"
    )


def test_sla_bad_input(org, api):
    service = make_service("LAPTOP")
    other = make_service("OTHER")
    request_type = make_request_type(other)
    client = api.as_user(org.owner)
    base = {"service": "LAPTOP", "response_minutes": 60, "resolution_minutes": 120}
    cases = [
        (base | {"priority": 1, "request_type": make_request_type(service).pk, "resolution_minutes": 30}, 400),
        (base | {"priority": 5}, 400),
        (base | {"priority": 2, "request_type": request_type.pk}, 400),
        (base | {"priority": 2}, 400),  # the service already has a P2 SLA
        (base | {"priority": 1, "request_type": None, "credit_pct": "120"}, 400),
    ]  # fmt: skip
    for body, status in cases:
        response = client.post("/api/v1/slas/", body, format="json")
        assert response.status_code == status, (body, response.content)
    assert ServiceLevel.objects.count() == 8
    sla = service.slas.get(priority=1)
    shorter = client.patch(f"/api/v1/slas/{sla.pk}/", {"resolution_minutes": 10}, format="json")
    assert shorter.status_code == 400
    assert "resolution_minutes" in shorter.json()
    assert client.delete(f"/api/v1/slas/{sla.pk}/").status_code == 409  # a live service keeps it


def test_sla_override_per_request_type(org, api):
    service = make_service("LAPTOP")
    request_type = make_request_type(service, name="Urgent swap")
    response = api.as_user(org.owner).post(
        "/api/v1/slas/",
        {
            "service": service.pk,
            "request_type": request_type.pk,
            "priority": 2,
            "response_minutes": 30,
            "resolution_minutes": 240,
            "credit_pct": "5.00",
        },
        format="json",
    )
    assert response.status_code == 201, response.content


# --- articles -----------------------------------------------------------------------------


def test_agency_staff_read_public_articles_only(org, api):
    service = make_service("LAPTOP")
    public = make_article(service)
    internal = make_article(service, audience="internal", title="Escalation runbook")
    client = api.as_user(org.requester_a)
    ids = {a["id"] for a in client.get("/api/v1/articles/").json()["results"]}
    assert ids == {public.pk}
    assert client.get(f"/api/v1/articles/{internal.pk}/").status_code == 404
    agent_ids = {a["id"] for a in api.as_user(org.agent).get("/api/v1/articles/").json()["results"]}
    assert agent_ids == {public.pk, internal.pk}


def test_article_edit_bumps_version_and_keeps_history(org, api):
    service = make_service("LAPTOP")
    client = api.as_user(org.agent)
    created = client.post(
        "/api/v1/articles/",
        {"service": "LAPTOP", "title": "VPN", "body": "Step 1", "audience": "public"},
        format="json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["version"] == 1
    url = f"/api/v1/articles/{created.json()['id']}/"
    edited = client.patch(url, {"body": "Step 1\n\nStep 2"}, format="json")
    assert edited.json()["version"] == 2
    same = client.patch(url, {"body": "Step 1\n\nStep 2"}, format="json")
    assert same.json()["version"] == 2  # saving unchanged text is not a new version
    versions = client.get(url + "versions/").json()
    assert [v["version"] for v in versions] == [2, 1]
    assert versions[1]["body"] == "Step 1"
    assert service.articles.count() == 1
    assert (
        api.as_user(org.requester_a)
        .post("/api/v1/articles/", {"service": "LAPTOP", "title": "x", "body": "y"}, format="json")
        .status_code
        == 403
    )


def test_article_markdown_is_sanitized(org, api):
    service = make_service("LAPTOP")
    article = make_article(
        service,
        body="# Hi\n\n<script>alert(1)</script>\n\n[x](javascript:alert(2)) "
        '<img src=x onerror="alert(3)"> **bold**',
    )
    html = api.as_user(org.requester_a).get(f"/api/v1/articles/{article.pk}/").json()["body_html"]
    assert "<script" not in html
    assert "javascript:" not in html
    assert "onerror" not in html
    assert "<strong>bold</strong>" in html
    assert "<h1>Hi</h1>" in html


def test_article_search_and_suggestions(org, api):
    service = make_service("LAPTOP")
    vpn = make_article(service, title="Connecting to the VPN", body="Install the VPN client.")
    make_article(service, title="Printer jams", body="Open tray two.")
    make_article(service, audience="internal", title="VPN server restart", body="VPN internals")
    client = api.as_user(org.requester_a)
    found = client.get("/api/v1/articles/", {"q": "vpn client"}).json()["results"]
    assert [a["id"] for a in found] == [vpn.pk]
    suggested = client.get(
        "/api/v1/articles/suggest/", {"text": "my vpn will not connect", "service": "LAPTOP"}
    ).json()
    assert [a["id"] for a in suggested] == [vpn.pk]
    assert client.get("/api/v1/articles/suggest/", {"text": "the and"}).json() == []


# --- subscriptions ------------------------------------------------------------------------


def test_agency_approver_requests_and_owner_approves(org, api):
    service = make_service("LAPTOP")
    body = {
        "service": "LAPTOP",
        "quantity": 40,
        "start_date": "2026-11-01",
        "end_date": "2027-10-31",
    }
    assert (
        api.as_user(org.requester_a).post("/api/v1/subscriptions/", body, format="json").status_code
        == 403
    )
    created = api.as_user(org.approver_a).post("/api/v1/subscriptions/", body, format="json")
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["agency"] == org.agency_a.pk
    assert data["service"] == service.pk
    assert data["status"] == "requested"
    url = f"/api/v1/subscriptions/{data['id']}/"
    # An approver cannot approve their own request; the owner can.
    assert api.as_user(org.approver_a).post(url + "approve/").status_code == 403
    approved = api.as_user(org.owner).post(url + "approve/", {"note": "ok"}, format="json")
    assert approved.status_code == 200
    assert approved.json()["status"] == "approved"
    assert (
        api.as_user(org.owner).post(url + "reject/", {"note": "no"}, format="json").status_code
        == 409
    )
    sub = Subscription.objects.get()
    assert [h.status for h in sub.history.order_by("history_date")] == ["requested", "approved"]
    # The agency cannot change an approved subscription itself.
    assert (
        api.as_user(org.approver_a).patch(url, {"quantity": 50}, format="json").status_code == 409
    )
    assert (
        api.as_user(org.owner).patch(url, {"quantity": 50}, format="json").json()["quantity"] == 50
    )


def test_subscription_for_another_agency_is_refused(org, api):
    make_service("LAPTOP")
    body = {"agency": "BBB", "service": "LAPTOP", "quantity": 1, "start_date": "2026-11-01"}
    response = api.as_user(org.approver_a).post("/api/v1/subscriptions/", body, format="json")
    assert response.status_code == 400
    assert "agency" in response.json()
    assert not Subscription.objects.exists()


def test_subscription_bad_input(org, api):
    make_service("LAPTOP")
    make_service("OLD", lifecycle_state="retired")
    client = api.as_user(org.approver_a)
    base = {"service": "LAPTOP", "quantity": 1, "start_date": "2026-11-01"}
    assert (
        client.post(
            "/api/v1/subscriptions/", base | {"end_date": "2026-10-01"}, format="json"
        ).status_code
        == 400
    )
    assert (
        client.post("/api/v1/subscriptions/", base | {"quantity": 0}, format="json").status_code
        == 400
    )
    assert (
        client.post(
            "/api/v1/subscriptions/", base | {"start_date": "soon"}, format="json"
        ).status_code
        == 400
    )
    retired = client.post("/api/v1/subscriptions/", base | {"service": "OLD"}, format="json")
    assert retired.status_code == 409
    assert "live" in retired.json()["detail"]
    assert not Subscription.objects.exists()
    assert client.post("/api/v1/subscriptions/", base, format="json").status_code == 201
    overlap = client.post(
        "/api/v1/subscriptions/", base | {"start_date": "2027-01-01"}, format="json"
    )
    assert overlap.status_code == 400
    assert Subscription.objects.count() == 1


def test_reject_needs_a_reason_and_cancel_by_agency(org, api):
    make_service("LAPTOP")
    sub_id = (
        api.as_user(org.approver_a)
        .post(
            "/api/v1/subscriptions/",
            {"service": "LAPTOP", "start_date": "2026-11-01"},
            format="json",
        )
        .json()["id"]
    )
    url = f"/api/v1/subscriptions/{sub_id}/"
    assert api.as_user(org.owner).post(url + "reject/").status_code == 400
    cancelled = api.as_user(org.approver_a).post(url + "cancel/")
    assert cancelled.json()["status"] == "cancelled"
    assert api.as_user(org.requester_b).post(url + "cancel/").status_code == 404


def test_subscriptions_list_filters_and_tenancy(org, api):
    laptop = make_service("LAPTOP")
    Subscription.objects.create(agency=org.agency_a, service=laptop, start_date=date(2026, 1, 1))
    Subscription.objects.create(agency=org.agency_b, service=laptop, start_date=date(2026, 1, 1))
    assert (
        api.as_user(org.requester_a)
        .get("/api/v1/subscriptions/", {"agency": "BBB"})
        .json()["count"]
        == 0
    )
    assert (
        api.as_user(org.owner).get("/api/v1/subscriptions/", {"agency": "BBB"}).json()["count"] == 1
    )
    assert (
        api.as_user(org.owner).get("/api/v1/subscriptions/", {"service": "LAPTOP"}).json()["count"]
        == 2
    )


# --- list query counts do not grow with the page ----------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        # auth token + user's roles, count, page, prefetch hours, prefetch holidays
        ("/api/v1/calendars/", 6),
        # token + roles, count, page
        ("/api/v1/services/", 4),
        ("/api/v1/slas/", 4),
        ("/api/v1/request-types/", 4),
        ("/api/v1/articles/", 4),
        ("/api/v1/subscriptions/", 4),
        ("/api/v1/checklist-items/", 4),
    ],
)
def test_list_query_counts_are_pinned(org, api, url, expected):
    def grow():
        service = make_service()
        make_request_type(service)
        make_article(service)
        ChecklistItem.objects.create(service=service, name="X", approver=org.agent)
        Subscription.objects.create(
            agency=org.agency_a, service=service, start_date=date(2026, 1, 1)
        )

    client = api.as_user(org.admin)
    grow()
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for _ in range(4):
        grow()
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(few) == len(many) == expected, [q["sql"] for q in many.captured_queries]


def test_anonymous_is_401_and_article_writes_need_provider_role(client, org):
    assert client.get("/api/v1/services/").status_code == 401
    assert Article.objects.count() == 0


def test_search_fallback_without_postgres_full_text(org, settings):
    from catalog.knowledge import search_articles, suggest_articles

    settings.IS_POSTGRES = False
    service = make_service("LAPTOP")
    vpn = make_article(service, title="Connecting to the VPN", body="Install the VPN client.")
    printer = make_article(service, title="Printer jams", body="Open the VPN-free tray two.")
    assert list(search_articles("vpn client", org.requester_a)) == [vpn]
    # A title hit weighs twice a body hit.
    assert suggest_articles("vpn tray", org.requester_a) == [vpn, printer]
    assert suggest_articles("printer tray", org.requester_a) == [printer]
