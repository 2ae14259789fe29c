"""How to make, for any agency, one record of each agency-owned model the API exposes.

``tests/sso/test_api_tenancy.py`` walks every endpoint of the API router; an endpoint whose
model belongs to agencies (``sso.permissions.RULES``) must have a builder here, or that
test fails. So a new endpoint gets the cross-agency checks the day it is added.
"""

from tests.factories import Role, make_user


def _agency(org, agency):
    return agency


def _user(org, agency):
    return make_user(Role.REQUESTER, agency=agency)


def _subscription(org, agency):
    from datetime import date

    from catalog.models import Subscription
    from tests.factories import make_service

    return Subscription.objects.create(
        agency=agency, service=make_service(), quantity=5, start_date=date(2026, 1, 1)
    )


def _ticket(org, agency):
    from tests.factories import make_service
    from tickets.workflow import create_ticket

    service = make_service()
    requester = make_user(Role.REQUESTER, agency=agency)
    return create_ticket(acting_user=requester, service=service, title=f"Ticket for {agency.code}")


BUILDERS = {
    "tickets.Ticket": _ticket,
    "sso.Agency": _agency,
    "sso.User": _user,
    "catalog.Subscription": _subscription,
}
