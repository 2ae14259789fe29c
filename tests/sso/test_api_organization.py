import pytest

from sso.models import Agency, OnboardingEvent, User

pytestmark = pytest.mark.django_db


def test_token_endpoint_answers_a_key_that_authenticates(api, org):
    from tests.factories import PASSWORD

    response = api.post(
        "/api/v1/auth/token/", {"username": "a.requester", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200
    api.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert api.get("/api/v1/users/me/").json()["username"] == "a.requester"


def test_token_endpoint_refuses_wrong_password_with_400(api, org):
    response = api.post(
        "/api/v1/auth/token/", {"username": "a.requester", "password": "nope"}, format="json"
    )
    assert response.status_code == 400
    assert "detail" in response.json()


def test_token_endpoint_missing_fields(api, db):
    response = api.post("/api/v1/auth/token/", {}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"username", "password"}


def test_bad_token_is_401(api, db):
    api.credentials(HTTP_AUTHORIZATION="Token nonsense")
    assert api.get("/api/v1/agencies/").status_code == 401


def test_agency_list_fields_and_pagination(api, org):
    response = api.as_user(org.admin).get("/api/v1/agencies/", {"page_size": 1})
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 2
    assert len(body["results"]) == 1
    assert {
        "id",
        "code",
        "name",
        "level",
        "end_user_count",
        "onboarding_status",
        "fund_code",
    } <= set(body["results"][0])


def test_page_size_is_capped_at_500(api, org):
    response = api.as_user(org.admin).get("/api/v1/agencies/", {"page_size": 100000})
    assert response.status_code == 200


def test_bad_page_is_404_not_500(api, org):
    assert api.as_user(org.admin).get("/api/v1/agencies/", {"page": 99}).status_code == 404
    assert api.as_user(org.admin).get("/api/v1/agencies/", {"page": "x"}).status_code == 404


def test_filter_by_field(api, org):
    body = api.as_user(org.admin).get("/api/v1/agencies/", {"code": "BBB"}).json()
    assert [row["code"] for row in body["results"]] == ["BBB"]


def test_bad_filter_value_is_400(api, org):
    response = api.as_user(org.admin).get("/api/v1/agencies/", {"level": "galactic"})
    assert response.status_code == 400
    assert "level" in response.json()


def test_agency_user_sees_only_own_agency(api, org):
    body = api.as_user(org.requester_a).get("/api/v1/agencies/").json()
    assert [row["code"] for row in body["results"]] == ["AAA"]


def test_admin_creates_agency_with_onboarding_trail(api, org):
    response = api.as_user(org.admin).post(
        "/api/v1/agencies/",
        {
            "code": "DOT",
            "name": "Transportation",
            "level": "state",
            "end_user_count": 4000,
            "onboarding_status": "assessing",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    agency = Agency.objects.get(code="DOT")
    assert list(agency.onboarding_events.values_list("status", flat=True)) == ["assessing"]


def test_onboarding_change_is_dated(api, org):
    client = api.as_user(org.admin)
    response = client.patch(
        f"/api/v1/agencies/{org.agency_a.pk}/", {"onboarding_status": "piloting"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["onboarding_status"] == "piloting"
    assert [e["status"] for e in response.json()["onboarding_history"]] == [
        "prospective",
        "piloting",
    ]
    assert OnboardingEvent.objects.filter(
        agency=org.agency_a, status="piloting", changed_by=org.admin
    ).exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"code": "bad code!", "name": "X", "level": "state"}, "code"),
        ({"code": "NEW", "name": "X", "level": "planetary"}, "level"),
        ({"code": "AAA", "name": "Dup", "level": "state"}, "code"),
        ({"code": "NEW", "name": "X", "level": "state", "end_user_count": -5}, "end_user_count"),
    ],
)
def test_agency_bad_input_is_400(api, org, payload, field):
    response = api.as_user(org.admin).post("/api/v1/agencies/", payload, format="json")
    assert response.status_code == 400
    assert field in response.json()


def test_agency_staff_cannot_create_agencies(api, org):
    response = api.as_user(org.requester_a).post(
        "/api/v1/agencies/", {"code": "X1", "name": "X", "level": "city"}
    )
    assert response.status_code == 403


def test_agent_cannot_change_agency(api, org):
    response = api.as_user(org.agent).patch(
        f"/api/v1/agencies/{org.agency_a.pk}/", {"name": "Hacked"}, format="json"
    )
    assert response.status_code == 403


def test_stale_if_match_is_412(api, org):
    client = api.as_user(org.admin)
    url = f"/api/v1/agencies/{org.agency_a.pk}/"
    etag = client.get(url)["ETag"]
    assert (
        client.patch(url, {"name": "First edit"}, format="json", HTTP_IF_MATCH=etag).status_code
        == 200
    )
    stale = client.patch(url, {"name": "Second edit"}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    assert Agency.objects.get(pk=org.agency_a.pk).name == "First edit"


def test_agency_code_accepted_where_id_is(api, org):
    response = api.as_user(org.admin).post(
        "/api/v1/users/",
        {
            "username": "new.person",
            "agency": "AAA",
            "roles": ["requester"],
            "password": "a-long-password-1",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["agency"] == org.agency_a.pk
    assert "password" not in response.json()
    assert User.objects.get(username="new.person").check_password("a-long-password-1")


def test_unknown_agency_code_is_400(api, org):
    response = api.as_user(org.admin).post(
        "/api/v1/users/", {"username": "x", "agency": "NOPE", "roles": ["requester"]}, format="json"
    )
    assert response.status_code == 400
    assert "agency" in response.json()


def test_agency_integrator_provisions_own_agency_users(api, org):
    client = api.as_user(org.integrator_a)
    ok = client.post(
        "/api/v1/users/",
        {"username": "hr.feed.1", "agency": "AAA", "roles": ["requester"]},
        format="json",
    )
    assert ok.status_code == 201, ok.json()
    other = client.post(
        "/api/v1/users/",
        {"username": "hr.feed.2", "agency": "BBB", "roles": ["requester"]},
        format="json",
    )
    assert other.status_code == 403
    escalate = client.post(
        "/api/v1/users/",
        {"username": "hr.feed.3", "agency": "AAA", "roles": ["admin"]},
        format="json",
    )
    assert escalate.status_code in (400, 403)
    assert not User.objects.filter(username__in=["hr.feed.2", "hr.feed.3"]).exists()


def test_agency_integrator_cannot_promote_to_provider_role(api, org):
    client = api.as_user(org.integrator_a)
    response = client.patch(
        f"/api/v1/users/{org.requester_a.pk}/", {"roles": ["agent"]}, format="json"
    )
    assert response.status_code in (400, 403)
    org.requester_a.forget_roles()
    assert org.requester_a.role_codes == {"requester"}


def test_agency_roles_need_an_agency(api, org):
    response = api.as_user(org.admin).post(
        "/api/v1/users/", {"username": "x", "roles": ["approver"]}, format="json"
    )
    assert response.status_code == 400
    assert "roles" in response.json()


def test_requester_cannot_create_users(api, org):
    response = api.as_user(org.requester_a).post(
        "/api/v1/users/", {"username": "x", "agency": "AAA"}, format="json"
    )
    assert response.status_code == 403


def test_teams_are_shared_and_written_by_admins(api, org):
    listed = api.as_user(org.requester_a).get("/api/v1/teams/").json()
    assert {row["name"] for row in listed["results"]} == {"Service Desk", "Specialists"}
    assert set(listed["results"][0]) >= {"id", "name", "tier", "email", "lead", "members"}
    denied = api.as_user(org.agent).post(
        "/api/v1/teams/", {"name": "Rogue", "tier": 1}, format="json"
    )
    assert denied.status_code == 403
    created = api.as_user(org.admin).post(
        "/api/v1/teams/",
        {"name": "Network", "tier": 2, "lead": org.agent.pk, "members": [org.agent.pk]},
        format="json",
    )
    assert created.status_code == 201, created.json()


def test_team_members_must_be_provider_staff(api, org):
    response = api.as_user(org.admin).post(
        "/api/v1/teams/",
        {"name": "Mixed", "tier": 2, "members": [org.requester_a.pk]},
        format="json",
    )
    assert response.status_code == 400
    assert "members" in response.json()


def test_schema_and_docs_are_served_offline(client, db):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/agencies/" in schema.content
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "http://" not in html.replace("http://testserver", "") and "https://" not in html


def test_api_answers_in_utc_whatever_the_time_zone(api, org, settings):
    settings.TIME_ZONE = "America/New_York"
    body = api.as_user(org.admin).get(f"/api/v1/agencies/{org.agency_a.pk}/").json()
    assert body["onboarding_status_changed_at"].endswith("Z")
