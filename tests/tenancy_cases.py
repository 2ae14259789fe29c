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


def _compliance_day(org, agency):
    from datetime import date
    from decimal import Decimal

    from django.utils import timezone

    from tests.factories import make_service
    from tickets.compliance_models import SlaComplianceDay

    return SlaComplianceDay.objects.create(
        date=date(2026, 10, 1), service=make_service(), agency=agency, priority=2, metric="response",
        met=3, breached=1, compliance_pct=Decimal("75.00"), computed_at=timezone.now(),
    )  # fmt: skip


def _compliance_month(org, agency):
    from datetime import date
    from decimal import Decimal

    from django.utils import timezone

    from tests.factories import make_service
    from tickets.compliance_models import SlaComplianceMonth

    return SlaComplianceMonth.objects.create(
        month=date(2026, 10, 1), service=make_service(), agency=agency, priority=2, metric="response",
        met=3, breached=1, compliance_pct=Decimal("75.00"), computed_at=timezone.now(),
    )  # fmt: skip


def _webhook(org, agency):
    from tickets.webhook_models import WebhookEndpoint

    owner = make_user(Role.INTEGRATOR, agency=agency)
    return WebhookEndpoint.objects.create(owner=owner, agency=agency, url="http://127.0.0.1:9/hook")


def _webhook_delivery(org, agency):
    from tickets.webhook_models import WebhookDelivery

    return WebhookDelivery.objects.create(
        endpoint=_webhook(org, agency), event="ticket.created", payload={}
    )


BUILDERS = {
    "tickets.SlaComplianceDay": _compliance_day,
    "tickets.SlaComplianceMonth": _compliance_month,
    "tickets.WebhookEndpoint": _webhook,
    "tickets.WebhookDelivery": _webhook_delivery,
    "tickets.Ticket": _ticket,
    "sso.Agency": _agency,
    "sso.User": _user,
    "catalog.Subscription": _subscription,
}
