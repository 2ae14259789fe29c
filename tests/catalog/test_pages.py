"""Catalog pages as people use them: agency staff browse and subscribe, owners maintain."""

from datetime import date

import pytest
from django.urls import reverse

from catalog.models import BusinessCalendar, ChecklistItem, RequestType, Service, Subscription
from tests.catalog.conftest import make_article
from tests.factories import make_calendar, make_request_type, make_service, make_team

pytestmark = pytest.mark.django_db


def test_agency_user_browses_live_services_by_category_and_search(client, org):
    make_service("LAPTOP", name="Laptop provisioning", category="it", description="New laptops")
    make_service("PAYRUN", name="Payroll run", category="payroll")
    make_service("NEXT", name="Next laptop thing", category="it", lifecycle_state="design")
    client.force_login(org.requester_a)
    page = client.get(reverse("catalog:browse")).content.decode()
    assert "Laptop provisioning" in page and "Payroll run" in page
    assert "Next laptop thing" not in page
    it_only = client.get(reverse("catalog:browse"), {"category": "payroll"}).content.decode()
    assert "Payroll run" in it_only and "Laptop provisioning" not in it_only
    found = client.get(reverse("catalog:browse"), {"q": "laptops"}).content.decode()
    assert "Laptop provisioning" in found and "Payroll run" not in found
    assert client.get(reverse("catalog:service", args=["NEXT"])).status_code == 404
    assert client.get(reverse("catalog:browse"), {"category": "<script>"}).status_code == 200


def test_service_page_states_sla_and_support_hours_in_plain_words(client, org):
    calendar = make_calendar(holidays=[date(2099, 12, 25)])
    service = make_service("LAPTOP", name="Laptop provisioning", calendar=calendar)
    make_request_type(service, name="New laptop", requires_approval=True)
    make_article(service, title="Choosing a laptop")
    make_article(service, audience="internal", title="Imaging runbook")
    client.force_login(org.requester_a)
    page = client.get(reverse("catalog:service", args=["LAPTOP"])).content.decode()
    assert "First response within 4 business hours, resolved within 16 business hours" in page
    assert "Mon-Fri 09:00-17:00 (America/New_York)" in page
    assert "New laptop" in page
    assert "Choosing a laptop" in page
    assert "Imaging runbook" not in page
    assert "Subscribe" not in page  # a requester is not an approver
    client.force_login(org.approver_a)
    assert "Subscribe" in client.get(reverse("catalog:service", args=["LAPTOP"])).content.decode()


def test_request_form_is_rendered_and_validated_like_the_api(client, org):
    service = make_service("LAPTOP")
    request_type = make_request_type(
        service,
        fields=[
            {"name": "cost_center", "label": "Cost center", "type": "text", "required": True},
            {"name": "size", "type": "choice", "choices": ["13", "15"]},
            {"name": "seats", "type": "number"},
        ],
    )
    client.force_login(org.requester_a)
    url = reverse("catalog:request-type", args=[request_type.pk])
    page = client.get(url).content.decode()
    assert 'name="cost_center"' in page and "<select" in page
    bad = client.post(url, {"cost_center": "", "size": "17", "seats": "many"}).content.decode()
    assert "This field is required" in bad
    assert "form-valid" not in bad
    good = client.post(url, {"cost_center": "CC-1", "size": "15", "seats": "3"}).content.decode()
    assert "form-valid" in good


def test_owner_creates_and_edits_a_service(client, org):
    team = make_team("Endpoint")
    client.force_login(org.owner)
    response = client.post(
        reverse("catalog:service-new"),
        {"code": "VPN", "name": "VPN", "category": "it", "owner_team": team.pk},
    )
    assert response.status_code == 302
    assert Service.objects.get(code="VPN").lifecycle_state == "proposed"
    bad = client.post(
        reverse("catalog:service-new"), {"code": "vpn x", "name": "", "category": "it"}
    )
    assert bad.status_code == 200
    assert "form-errors" in bad.content.decode() or "invalid-feedback" in bad.content.decode()
    client.force_login(org.requester_a)
    assert client.get(reverse("catalog:service-new")).status_code == 403


def test_gate_page_shows_exactly_what_is_missing_and_blocks_go_live(
    client, org, transition_service, template_item
):
    from catalog.lifecycle import ensure_checklist

    ensure_checklist(transition_service)
    client.force_login(org.owner)
    url = reverse("catalog:gate", args=[transition_service.code])
    page = client.get(url).content.decode()
    assert "Knowledge: write at least one service-desk knowledge article." in page
    assert "has not accepted the service" in page
    assert "Monitoring in place" in page
    blocked = client.post(
        reverse("catalog:lifecycle", args=[transition_service.code]), {"state": "live"}
    )
    assert blocked.status_code == 409
    assert "gate-blocked" in blocked.content.decode()
    transition_service.refresh_from_db()
    assert transition_service.lifecycle_state == "transition"
    client.force_login(org.requester_a)
    assert client.get(url).status_code == 404  # not published: invisible to agencies


def test_sign_off_with_htmx_only_by_the_appointed_approver(client, org, transition_service):
    item = ChecklistItem.objects.create(
        service=transition_service, name="Runbook", approver=org.agent
    )
    url = reverse("catalog:sign-off", args=[item.pk])
    client.force_login(org.owner)
    refused = client.post(url, {"note": ""}, headers={"HX-Request": "true"})
    assert refused.status_code == 403
    item.refresh_from_db()
    assert item.signed_off_at is None
    client.force_login(org.agent)
    signed = client.post(url, {"note": "reviewed"}, headers={"HX-Request": "true"})
    assert signed.status_code == 200
    assert "Signed off by" in signed.content.decode()
    assert "<html" not in signed.content.decode()  # a row, not a page
    item.refresh_from_db()
    assert item.signed_off_by == org.agent


@pytest.mark.parametrize(
    ("hours", "timezone", "words"),
    [
        ("", "America/New_York", "at least one working window"),
        ("Mon-Fri 17:00-09:00", "America/New_York", "ends before it starts"),
        ("Mon 09:00-12:00, 11:00-14:00", "America/New_York", "overlaps"),
        ("Mon-Fri 09:00-17:00", "Mars/Olympus", "not a known IANA time zone"),
        ("Someday 09:00-17:00", "UTC", "write it like"),
    ],
)
def test_calendar_form_bad_input(client, org, hours, timezone, words):
    client.force_login(org.owner)
    response = client.post(
        reverse("catalog:calendar-new"),
        {"name": "Broken", "timezone": timezone, "hours": hours, "holidays": ""},
    )
    assert response.status_code == 400
    assert words in response.content.decode()
    assert not BusinessCalendar.objects.filter(name="Broken").exists()


def test_calendar_form_saves_split_hours_and_imports_holidays(client, org):
    client.force_login(org.owner)
    response = client.post(
        reverse("catalog:calendar-new"),
        {
            "name": "Payroll hours",
            "timezone": "America/Chicago",
            "hours": "Mon-Fri 08:00-12:00, 13:00-17:00\nSat 09:00-13:00",
            "holidays": "2026-12-25 Christmas Day",
        },
    )
    assert response.status_code == 302
    calendar = BusinessCalendar.objects.get(name="Payroll hours")
    assert calendar.hours.count() == 11
    imported = client.post(
        reverse("catalog:calendar-import", args=[calendar.pk]),
        {"country": "US", "subdivision": "", "year_from": 2026, "year_to": 2026},
    )
    assert imported.status_code == 302
    assert calendar.holidays.count() >= 10
    bad = client.post(
        reverse("catalog:calendar-import", args=[calendar.pk]),
        {"country": "ZZ", "year_from": 2026, "year_to": 2026},
    )
    assert bad.status_code == 400


def test_sla_form_refuses_resolution_below_response(client, org):
    service = make_service("LAPTOP")
    client.force_login(org.owner)
    data = {}
    for p in (1, 2, 3, 4):
        data |= {
            f"p{p}-response_minutes": 60,
            f"p{p}-resolution_minutes": 600,
            f"p{p}-compliance_target_pct": "95",
            f"p{p}-credit_pct": "2",
        }
    data["p2-resolution_minutes"] = 30
    response = client.post(reverse("catalog:slas", args=["LAPTOP"]), data)
    assert response.status_code == 400
    assert "cannot be shorter than the response target" in response.content.decode()
    assert service.slas.get(priority=1).response_minutes == 30  # nothing saved
    data["p2-resolution_minutes"] = 600
    assert client.post(reverse("catalog:slas", args=["LAPTOP"]), data).status_code == 302
    assert service.slas.get(priority=1).response_minutes == 60


def test_request_type_form_editor_refuses_bad_definitions(client, org):
    make_service("LAPTOP")
    client.force_login(org.owner)
    url = reverse("catalog:request-type-new", args=["LAPTOP"])
    base = {
        "name": "New laptop",
        "default_kind": "request",
        "default_priority": 3,
        "f-TOTAL_FORMS": 2,
        "f-INITIAL_FORMS": 0,
        "f-0-name": "size",
        "f-0-label": "Size",
        "f-0-type": "choice",
        "f-0-choices": "",
        "f-1-name": "",
        "f-1-type": "text",
    }
    bad = client.post(url, base)
    assert bad.status_code == 200
    assert "non-empty list of text choices" in bad.content.decode()
    assert not RequestType.objects.exists()
    good = client.post(url, base | {"f-0-choices": "13 inch\n15 inch"})
    assert good.status_code == 302
    assert RequestType.objects.get().fields[0]["choices"] == ["13 inch", "15 inch"]


def test_subscribe_page_and_bad_input(client, org):
    make_service("LAPTOP")
    make_service("OLD", lifecycle_state="retired")
    client.force_login(org.approver_a)
    url = reverse("catalog:subscribe", args=["LAPTOP"])
    reversed_dates = client.post(
        url, {"quantity": 5, "start_date": "2026-11-01", "end_date": "2026-10-01"}
    )
    assert reversed_dates.status_code == 400
    assert "cannot end before it starts" in reversed_dates.content.decode()
    retired = client.post(
        reverse("catalog:subscribe", args=["OLD"]), {"quantity": 5, "start_date": "2026-11-01"}
    )
    assert retired.status_code == 400
    assert "only live services" in retired.content.decode()
    assert not Subscription.objects.exists()
    assert client.post(url, {"quantity": 5, "start_date": "2026-11-01"}).status_code == 302
    assert Subscription.objects.get().agency == org.agency_a
    client.force_login(org.requester_a)
    assert client.get(url).status_code == 403


def test_subscriptions_page_tenancy_and_htmx_approval(client, org):
    laptop = make_service("LAPTOP", name="Laptop provisioning")
    mine = Subscription.objects.create(
        agency=org.agency_a, service=laptop, start_date=date(2026, 1, 1)
    )
    theirs = Subscription.objects.create(
        agency=org.agency_b, service=laptop, start_date=date(2026, 2, 2)
    )
    client.force_login(org.requester_a)
    page = client.get(reverse("catalog:subscriptions")).content.decode()
    assert f'id="sub-{mine.pk}"' in page and f'id="sub-{theirs.pk}"' not in page
    other = reverse("catalog:subscription-decide", args=[theirs.pk, "cancel"])
    assert client.post(other).status_code == 404
    client.force_login(org.owner)
    page = client.get(reverse("catalog:subscriptions")).content.decode()
    assert f'id="sub-{theirs.pk}"' in page
    approve = reverse("catalog:subscription-decide", args=[mine.pk, "approve"])
    row = client.post(approve, {"note": "fine"}, headers={"HX-Request": "true"})
    assert "Approved" in row.content.decode()
    mine.refresh_from_db()
    assert mine.status == "approved"
    again = client.post(approve, {"note": ""}, headers={"HX-Request": "true"}).content.decode()
    assert "already approved" in again


def test_article_page_sanitizes_markdown_and_edit_bumps_version(client, org):
    service = make_service("LAPTOP")
    article = make_article(
        service, body="Hello <script>alert('x')</script> <a href=\"javascript:alert(1)\">x</a>"
    )
    client.force_login(org.requester_a)
    page = client.get(reverse("catalog:article", args=[article.pk])).content.decode()
    assert "<script>alert" not in page and "javascript:alert" not in page
    client.force_login(org.agent)
    response = client.post(
        reverse("catalog:article-edit", args=[article.pk]),
        {
            "title": article.title,
            "body": "New text",
            "audience": "public",
            "is_service_desk_document": "on",
        },
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.version == 2
    found = client.get(reverse("catalog:knowledge"), {"q": "new text"}).content.decode()
    assert article.title in found


def test_calendars_page_lists_for_provider_only(client, org):
    make_calendar(name="Eastern office hours")
    client.force_login(org.agent)
    assert "Eastern office hours" in client.get(reverse("catalog:calendars")).content.decode()
    client.force_login(org.requester_a)
    assert client.get(reverse("catalog:calendars")).status_code == 403
