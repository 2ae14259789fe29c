import pytest
from django.core.cache import cache

from sso.tasks import HEARTBEAT_KEY, heartbeat

pytestmark = pytest.mark.integration


def test_real_worker_runs_the_heartbeat(celery_worker):
    import time

    cache.delete(HEARTBEAT_KEY)
    heartbeat.apply_async(queue=celery_worker.queue)  # ignore_result: watch its effect instead
    deadline = time.monotonic() + 60
    while cache.get(HEARTBEAT_KEY) is None and time.monotonic() < deadline:
        time.sleep(0.2)
    assert cache.get(HEARTBEAT_KEY) is not None


def test_real_worker_computes_nightly_compliance_idempotently(celery_worker, org):
    from datetime import timedelta

    from django.utils import timezone

    from tests.factories import make_calendar, make_service
    from tickets.compliance_models import SlaComplianceDay, SlaComplianceMonth
    from tickets.tasks import compute_sla_compliance
    from tickets.workflow import create_ticket

    service = make_service("NIGHTLY", calendar=make_calendar("UTC"), team=org.desk)
    for agency, requester in ((org.agency_a, org.requester_a), (org.agency_b, org.requester_b)):
        create_ticket(
            acting_user=org.integrator,
            agency=agency,
            requester=requester,
            service=service,
            title="Never answered",
            impact=2,
            urgency=1,
            opened_at=timezone.now() - timedelta(days=10),
        )
    first = compute_sla_compliance.apply_async(kwargs={"days": 14}, queue=celery_worker.queue).get(
        timeout=120
    )
    rows = sorted(SlaComplianceDay.objects.values_list("agency__code", "metric", "met", "breached"))
    assert first["days"] == len(rows) == 4
    assert rows == [
        ("AAA", "resolution", 0, 1),
        ("AAA", "response", 0, 1),
        ("BBB", "resolution", 0, 1),
        ("BBB", "response", 0, 1),
    ]
    assert SlaComplianceMonth.objects.exists()
    # Twice: the same rows.
    compute_sla_compliance.apply_async(kwargs={"days": 14}, queue=celery_worker.queue).get(
        timeout=120
    )
    assert (
        sorted(SlaComplianceDay.objects.values_list("agency__code", "metric", "met", "breached"))
        == rows
    )
