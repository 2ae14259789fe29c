"""Nightly SLA compliance, with every figure worked out by hand first.

Calendar Mon-Fri 09:00-17:00 America/New_York; SLA P2 response 240, resolution 960 business
minutes. Days are counted in TIME_ZONE (UTC in tests); all times below fall on the same day
in New York and UTC.
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from tests.factories import make_service
from tests.tickets.conftest import ny
from tickets import compliance
from tickets.compliance_models import SlaComplianceDay, SlaComplianceMonth
from tickets.conversation import add_comment
from tickets.models import Status
from tickets.workflow import transition

OCTOBER = (date(2026, 10, 1), date(2026, 10, 31))


def _rows(**filters):
    return {
        (r.date, r.agency.code, r.priority, r.metric): (r.met, r.breached)
        for r in SlaComplianceDay.objects.filter(**filters).select_related("agency")
    }


def _reply(ticket, org, at):
    add_comment(
        ticket, acting_user=org.integrator, author=org.agent, body="Looking into it.", created_at=at
    )


@pytest.fixture
def worked_example(org, file_ticket):
    """The issue's worked example: replied Mon 09:30, paused Mon 10-14, resolved Wed 10:00."""
    ticket = file_ticket(opened_at=ny(2026, 10, 2, 15, 0), impact=2, urgency=1)
    _reply(ticket, org, ny(2026, 10, 5, 9, 30))
    transition(ticket, Status.IN_PROGRESS, acting_user=org.integrator, at=ny(2026, 10, 5, 9, 45))
    transition(
        ticket, Status.WAITING_ON_CUSTOMER, acting_user=org.integrator, at=ny(2026, 10, 5, 10, 0)
    )
    transition(ticket, Status.IN_PROGRESS, acting_user=org.integrator, at=ny(2026, 10, 5, 14, 0))
    transition(ticket, Status.RESOLVED, acting_user=org.integrator, at=ny(2026, 10, 7, 10, 0))
    return ticket


def test_worked_example_counts_met_on_the_days_targets_were_met(worked_example):
    compliance.compute_range(*OCTOBER)
    # Response met Mon 10-05 (09:30 <= 11:00); resolution met Wed 10-07 (10:00 <= due moved to 11:00).
    assert _rows() == {
        (date(2026, 10, 5), "AAA", 2, "response"): (1, 0),
        (date(2026, 10, 7), "AAA", 2, "resolution"): (1, 0),
    }
    assert {r.compliance_pct for r in SlaComplianceDay.objects.all()} == {Decimal("100.00")}


def test_unanswered_ticket_is_breached_on_the_days_it_fell_due(org, file_ticket):
    # Due Mon 10-05 11:00 (response) and Tue 10-06 15:00 (resolution); never answered.
    file_ticket(opened_at=ny(2026, 10, 2, 15, 0), impact=2, urgency=1)
    compliance.compute_range(*OCTOBER)
    assert _rows() == {
        (date(2026, 10, 5), "AAA", 2, "response"): (0, 1),
        (date(2026, 10, 6), "AAA", 2, "resolution"): (0, 1),
    }


def test_late_reply_is_breached_on_the_due_day_not_the_reply_day(org, file_ticket):
    ticket = file_ticket(opened_at=ny(2026, 10, 2, 15, 0), impact=2, urgency=1)
    _reply(ticket, org, ny(2026, 10, 6, 9, 30))  # due Mon 11:00, answered Tue
    compliance.compute_range(*OCTOBER)
    rows = _rows(metric="response")
    assert rows == {(date(2026, 10, 5), "AAA", 2, "response"): (0, 1)}


def test_ticket_paused_before_its_due_time_is_not_breached(org, file_ticket):
    # Waiting on the customer from Mon 10:00, before the resolution due (Tue 15:00), still waiting.
    ticket = file_ticket(opened_at=ny(2026, 10, 2, 15, 0), impact=2, urgency=1)
    _reply(ticket, org, ny(2026, 10, 5, 9, 30))
    transition(ticket, Status.IN_PROGRESS, acting_user=org.integrator, at=ny(2026, 10, 5, 9, 45))
    transition(
        ticket, Status.WAITING_ON_CUSTOMER, acting_user=org.integrator, at=ny(2026, 10, 5, 10, 0)
    )
    compliance.compute_range(*OCTOBER)
    assert _rows(metric="resolution") == {}


def test_priority_change_counts_under_the_new_priority(org, file_ticket):
    from tickets.triage import change_priority

    ticket = file_ticket(opened_at=ny(2026, 10, 2, 15, 0), impact=3, urgency=3)
    assert ticket.priority != 1
    # P1: response 30 -> Fri 15:30, resolution 240 -> Fri 15:00 + 120 Fri + 120 Mon = Mon 11:00.
    change_priority(
        ticket, priority=1, acting_user=org.integrator, reason="VIP", at=ny(2026, 10, 2, 15, 5)
    )
    transition(ticket, Status.IN_PROGRESS, acting_user=org.integrator, at=ny(2026, 10, 2, 15, 10))
    _reply(ticket, org, ny(2026, 10, 2, 15, 20))
    transition(ticket, Status.RESOLVED, acting_user=org.integrator, at=ny(2026, 10, 5, 10, 0))
    compliance.compute_range(*OCTOBER)
    assert _rows() == {
        (date(2026, 10, 2), "AAA", 1, "response"): (1, 0),
        (date(2026, 10, 5), "AAA", 1, "resolution"): (1, 0),
    }


def test_cancelled_tickets_do_not_count(org, file_ticket):
    ticket = file_ticket(opened_at=ny(2026, 10, 2, 15, 0), impact=2, urgency=1)
    transition(ticket, Status.CANCELLED, acting_user=org.integrator, at=ny(2026, 10, 2, 15, 30))
    compliance.compute_range(*OCTOBER)
    assert _rows() == {}


def test_agencies_and_monthly_rollup(org, file_ticket, worked_example):
    file_ticket(opened_at=ny(2026, 10, 2, 15, 0), impact=2, urgency=1)  # AAA, never answered
    file_ticket(
        opened_at=ny(2026, 10, 2, 15, 0),
        impact=2,
        urgency=1,
        agency=org.agency_b,
        requester=org.requester_b,
    )
    compliance.compute_range(*OCTOBER)
    months = {
        (m.agency.code, m.metric): (m.met, m.breached, m.compliance_pct, m.target_pct)
        for m in SlaComplianceMonth.objects.select_related("agency")
    }
    assert months == {
        ("AAA", "response"): (1, 1, Decimal("50.00"), Decimal("90.00")),
        ("AAA", "resolution"): (1, 1, Decimal("50.00"), Decimal("90.00")),
        ("BBB", "response"): (0, 1, Decimal("0.00"), Decimal("90.00")),
        ("BBB", "resolution"): (0, 1, Decimal("0.00"), Decimal("90.00")),
    }


def test_running_twice_leaves_the_same_rows(worked_example, org, file_ticket):
    file_ticket(opened_at=ny(2026, 10, 2, 15, 0), impact=2, urgency=1)
    compliance.compute_range(*OCTOBER)
    first = sorted(
        SlaComplianceDay.objects.values_list(
            "date", "service", "agency", "priority", "metric", "met", "breached"
        )
    )
    compliance.compute_range(*OCTOBER)
    second = sorted(
        SlaComplianceDay.objects.values_list(
            "date", "service", "agency", "priority", "metric", "met", "breached"
        )
    )
    assert first == second
    assert len(first) == 3  # 10-05 response (1 met, 1 breached), 10-06 and 10-07 resolution


def test_crash_mid_backfill_then_rerun_equals_one_clean_run(worked_example, org, file_ticket):
    file_ticket(opened_at=ny(2026, 9, 10, 10, 0), impact=2, urgency=1)  # breaches in September
    compliance.compute_range(date(2026, 9, 1), date(2026, 10, 31))
    clean = sorted(
        SlaComplianceDay.objects.values_list(
            "date", "agency", "priority", "metric", "met", "breached"
        )
    )
    SlaComplianceDay.objects.all().delete()
    SlaComplianceMonth.objects.all().delete()

    class Crash(Exception):
        pass

    def crash_after_first_chunk(first, last):
        raise Crash

    with pytest.raises(Crash):
        compliance.compute_range(
            date(2026, 9, 1), date(2026, 10, 31), chunk_days=31, on_chunk=crash_after_first_chunk
        )
    assert SlaComplianceDay.objects.exists()  # the first chunk committed
    compliance.compute_range(date(2026, 9, 1), date(2026, 10, 31))
    rerun = sorted(
        SlaComplianceDay.objects.values_list(
            "date", "agency", "priority", "metric", "met", "breached"
        )
    )
    assert rerun == clean


def test_stale_rows_disappear_when_tickets_change(org, file_ticket):
    ticket = file_ticket(opened_at=ny(2026, 10, 2, 15, 0), impact=2, urgency=1)
    compliance.compute_range(*OCTOBER)
    assert SlaComplianceDay.objects.count() == 2
    transition(ticket, Status.CANCELLED, acting_user=org.integrator, at=ny(2026, 10, 9, 9, 0))
    compliance.compute_range(*OCTOBER)
    assert SlaComplianceDay.objects.count() == 0


def test_other_calendar_and_holiday(org, file_ticket):
    from tests.factories import make_calendar

    # Chicago calendar with Mon 2026-10-12 a holiday: opened Fri 10-09 16:00 CT (21:00 UTC).
    # P2 response 240: 60 Fri + Tue 09:00-12:00 (180) -> Tue 10-13 12:00 CT = 17:00 UTC.
    calendar = make_calendar("America/Chicago", holidays=[date(2026, 10, 12)])
    service = make_service("CHI", calendar=calendar, team=org.desk)
    ticket = file_ticket(service=service, opened_at=ny(2026, 10, 9, 17, 0), impact=2, urgency=1)
    assert ticket.response_due_at == ny(2026, 10, 13, 13, 0)
    compliance.compute_range(*OCTOBER)
    assert (date(2026, 10, 13), "AAA", 2, "response") in _rows(service=service)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2026-10-31", "--to", "2026-10-01"], "reversed"),
        (["--from", "2026-10-01", "--to", "2999-01-01"], "not over yet"),
        (["--from", "yesterday"], "not a date"),
    ],
)
def test_command_rejects_bad_ranges(db, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("compute_sla_compliance", *args, "--no-progress")


def test_command_backfills_a_range(worked_example, capsys):
    call_command(
        "compute_sla_compliance", "--from", "2026-10-01", "--to", "2026-10-31", "--no-progress"
    )
    assert "2 day rows" in capsys.readouterr().out
    assert SlaComplianceDay.objects.count() == 2


def test_nightly_task_computes_yesterday(org, file_ticket):
    from django.utils import timezone

    from tickets.tasks import compute_sla_compliance

    opened = timezone.now() - timedelta(days=10)
    file_ticket(opened_at=opened, impact=2, urgency=1)
    result = compute_sla_compliance.delay(days=14).get()
    assert result["days"] >= 1
    assert SlaComplianceDay.objects.filter(breached__gt=0).exists()


def test_recompute_updates_figures_that_changed(org, file_ticket):
    ticket = file_ticket(opened_at=ny(2026, 10, 2, 15, 0), impact=2, urgency=1)
    compliance.compute_range(*OCTOBER)
    assert _rows(metric="resolution") == {(date(2026, 10, 6), "AAA", 2, "resolution"): (0, 1)}
    # The history arrives late: it was resolved Tue 10:00, before its 15:00 due time.
    transition(ticket, Status.RESOLVED, acting_user=org.integrator, at=ny(2026, 10, 6, 10, 0))
    compliance.compute_range(*OCTOBER)
    assert _rows(metric="resolution") == {(date(2026, 10, 6), "AAA", 2, "resolution"): (1, 0)}
    assert SlaComplianceMonth.objects.get(metric="resolution").compliance_pct == Decimal("100.00")
