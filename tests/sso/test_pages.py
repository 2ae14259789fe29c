import pytest
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_wrong_password_is_refused_with_message(client, org):
    response = client.post(reverse("login"), {"username": "a.requester", "password": "wrong"})
    assert response.status_code == 200
    assert b"didn&#x27;t match" in response.content or b"didn't match" in response.content


@pytest.mark.parametrize(
    ("username", "heading", "kind"),
    [
        ("a.requester", "Agency A", "agency"),
        ("agent", "Service desk", "provider"),
        ("admin", "Administration", "admin"),
    ],
)
def test_home_page_per_role(client, org, username, heading, kind):
    from sso.models import User

    response = _login(client, User.objects.get(username=username)).get("/")
    assert response.status_code == 200
    assert heading in response.content.decode()
    assert f"sso/home_{kind}.html" in [t.name for t in response.templates]


def test_navigation_fits_roles(client, org):
    agency_nav = [
        e["label"] for e in _login(client, org.requester_a).get("/").context["nav_entries"]
    ]
    assert "My agency" in agency_nav
    assert "Agencies" not in agency_nav and "Admin" not in agency_nav
    client.logout()
    agent_nav = [e["label"] for e in _login(client, org.agent).get("/").context["nav_entries"]]
    assert "Agencies" in agent_nav and "My agency" not in agent_nav


def test_other_agency_page_is_404(client, org):
    _login(client, org.requester_a)
    assert client.get(reverse("sso:agency-detail", args=["AAA"])).status_code == 200
    assert client.get(reverse("sso:agency-detail", args=["BBB"])).status_code == 404
    assert client.get(reverse("sso:agency-detail", args=["NOPE"])).status_code == 404


def test_only_admin_changes_onboarding_status(client, org):
    _login(client, org.agent)
    client.post(reverse("sso:agency-set-status", args=["AAA"]), {"status": "migrated"})
    org.agency_a.refresh_from_db()
    assert org.agency_a.onboarding_status == "prospective"
    client.logout()
    _login(client, org.admin)
    response = client.post(
        reverse("sso:agency-set-status", args=["AAA"]), {"status": "migrated"}, follow=True
    )
    org.agency_a.refresh_from_db()
    assert org.agency_a.onboarding_status == "migrated"
    assert "now migrated" in response.content.decode()


def test_bad_status_is_a_message_not_500(client, org):
    _login(client, org.admin)
    response = client.post(
        reverse("sso:agency-set-status", args=["AAA"]), {"status": "teleported"}, follow=True
    )
    assert response.status_code == 200
    assert "Choose a valid onboarding status" in response.content.decode()


def test_profile_makes_an_api_key(client, org):
    _login(client, org.requester_a)
    response = client.post(reverse("sso:profile-token"))
    key = response.context["new_key"]
    from rest_framework.test import APIClient

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/users/me/").json()["username"] == "a.requester"


def test_admin_shows_history(client, org):
    client.force_login(org.admin.__class__.objects.get(username="admin"))
    org.admin.is_staff = org.admin.is_superuser = True
    org.admin.save()
    response = client.get(reverse("admin:sso_agency_history", args=[org.agency_a.pk]))
    assert response.status_code == 200


def test_static_assets_are_local(client, org):
    import re

    _login(client, org.requester_a)
    html = client.get("/").content.decode()
    # Every script and stylesheet comes from this app: no CDN, works offline.
    sources = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html)
    assert sources
    assert all(source.startswith("/static/") for source in sources), sources
    assert any("bootstrap.min" in source for source in sources)
