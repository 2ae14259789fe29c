"""Small builders for test data. Plain functions: each makes one believable record."""

import itertools

from sso import organization
from sso.models import Agency, Role, Team

_seq = itertools.count(1)
PASSWORD = "correct horse battery staple"


def make_agency(code=None, **fields) -> Agency:
    n = next(_seq)
    code = code or f"AG{n}"
    defaults = {
        "name": f"Agency {code}",
        "level": "state",
        "end_user_count": 100,
        "fund_code": f"F-{n}",
    }
    defaults.update(fields)
    return organization.create_agency(acting_user=None, code=code, **defaults)


def make_user(*roles, agency=None, username=None, teams=(), **fields):
    n = next(_seq)
    return organization.create_user(
        acting_user=None,
        username=username or f"user{n}",
        email=f"user{n}@example.gov",
        first_name="Test",
        last_name=f"User{n}",
        agency=agency,
        roles=[str(r) for r in roles],
        teams=teams,
        password=PASSWORD,
        **fields,
    )


def make_team(name=None, tier=1, **fields) -> Team:
    return Team.objects.create(name=name or f"Team {next(_seq)}", tier=tier, **fields)


__all__ = ["PASSWORD", "Role", "make_agency", "make_team", "make_user"]
