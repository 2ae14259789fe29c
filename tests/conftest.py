import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from tests.factories import Role, make_agency, make_team, make_user


@pytest.fixture(autouse=True)
def _clear_cache():
    # Redis is shared between tests; throttles and locks must not leak from one to the next.
    cache.clear()
    return


class Org:
    """Two agencies and a person in every role, for tenancy and role tests.

    Agency A is "the user's agency" in tests; agency B is "the other agency".
    """

    def __init__(self):
        self.agency_a = make_agency("AAA", name="Agency A")
        self.agency_b = make_agency("BBB", name="Agency B")
        self.desk = make_team("Service Desk", tier=1)
        self.specialists = make_team("Specialists", tier=2)
        self.requester_a = make_user(Role.REQUESTER, agency=self.agency_a, username="a.requester")
        self.approver_a = make_user(
            Role.APPROVER, Role.REQUESTER, agency=self.agency_a, username="a.approver"
        )
        self.finance_a = make_user(Role.FINANCE_OFFICER, agency=self.agency_a, username="a.finance")
        self.board_a = make_user(Role.BOARD_MEMBER, agency=self.agency_a, username="a.board")
        self.integrator_a = make_user(
            Role.INTEGRATOR, agency=self.agency_a, username="a.integrator"
        )
        self.requester_b = make_user(Role.REQUESTER, agency=self.agency_b, username="b.requester")
        self.agent = make_user(Role.AGENT, username="agent", teams=[self.desk])
        self.specialist = make_user(Role.AGENT, username="specialist", teams=[self.specialists])
        self.owner = make_user(Role.SERVICE_OWNER, username="owner")
        self.finance_admin = make_user(Role.FINANCE_ADMIN, username="finadmin")
        self.admin = make_user(Role.ADMIN, username="admin")
        self.integrator = make_user(Role.INTEGRATOR, username="integrator")


@pytest.fixture
def org(db):
    return Org()


@pytest.fixture
def api():
    """An API client; ``api.as_user(user)`` signs it in with a real token."""
    from sso.organization import issue_api_token

    client = APIClient()

    def as_user(user):
        client.credentials(HTTP_AUTHORIZATION=f"Token {issue_api_token(user)}")
        return client

    client.as_user = as_user
    return client
