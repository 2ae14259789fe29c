"""The every-few-minutes SLA watch: breach flags, early warnings, escalation, once each."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from tickets.compliance_models import Notice, SlaWarning
from tickets.models import Ticket
from tickets.tasks import watch_sla


@pytest.fixture
def always_open_service(org):
    from tests.factories import make_calendar, make_service

    calendar = make_calendar("UTC", hours={day: [("00:00", "24:00")] for day in range(7)})
    # P2: response 60, resolution 240 business minutes, 24x7 (so wall time equals business time).
    return make_service(
        "OPEN", calendar=calendar, team=org.desk, sla_minutes=dict.fromkeys(range(1, 5), (60, 240))
    )


@pytest.fixture
def assigned_ticket(org, always_open_service):
    from tickets.triage import assign
    from tickets.workflow import create_ticket

    org.desk.lead = org.agent
    org.desk.save()
    opened = timezone.now() - timedelta(minutes=50)  # 50 of 60 response minutes used: past 75%
    ticket = create_ticket(
        acting_user=org.integrator,
        agency=org.agency_a,
        requester=org.requester_a,
        service=always_open_service,
        title="Payroll run stuck",
        impact=2,
        urgency=1,
        opened_at=opened,
    )
    return assign(ticket, acting_user=org.agent, team=org.desk, assignee=org.agent)


def test_warning_at_threshold_is_sent_once(assigned_ticket, org):
    ticket = Ticket.objects.get(pk=assigned_ticket.pk)
    assert ticket.response_warn_at == ticket.opened_at + timedelta(minutes=45)
    mail.outbox.clear()
    result = watch_sla.delay().get()
    assert result["warned"]["response"] == 1
    notice = Notice.objects.get(user=org.agent)
    assert "75% of the first response target" in notice.message
    assert any("SLA warning" in m.subject for m in mail.outbox)
    again = watch_sla.delay().get()
    assert again["warned"]["response"] == 0
    assert Notice.objects.filter(user=org.agent).count() == 1


def test_breach_is_flagged_announced_and_escalated_when_the_sla_says_so(assigned_ticket, org):
    ticket = Ticket.objects.get(pk=assigned_ticket.pk)
    ticket.sla.escalate_on_breach = True
    ticket.sla.save()
    # Move the clock: the response target passed ten minutes ago.
    Ticket.objects.filter(pk=ticket.pk).update(
        response_due_at=timezone.now() - timedelta(minutes=10)
    )
    result = watch_sla.delay().get()
    assert result["breached"]["response"] == 1
    ticket.refresh_from_db()
    assert ticket.response_breached is True
    assert ticket.tier == 2
    assert ticket.team == org.specialists  # the tier 2 team
    assert SlaWarning.objects.filter(ticket=ticket, threshold_pct=100).count() == 1
    assert Notice.objects.filter(message__contains="target was missed").exists()
    assert ticket.events.filter(kind="escalation").exists()
    # Idempotent: the next run finds nothing new.
    assert watch_sla.delay().get()["breached"]["response"] == 0


def test_paused_ticket_is_not_warned(assigned_ticket, org):
    from tickets.models import Status
    from tickets.workflow import transition

    transition(assigned_ticket, Status.IN_PROGRESS, acting_user=org.agent)
    transition(assigned_ticket, Status.WAITING_ON_CUSTOMER, acting_user=org.agent)
    assert watch_sla.delay().get()["warned"] == {"response": 0, "resolution": 0}


def test_watch_skips_while_another_run_holds_the_lock(db):
    from sso.jobs import exclusive

    with exclusive("watch_sla"):
        assert watch_sla.delay().get() == {"skipped": True}


def test_watch_and_close_commands(assigned_ticket, org, capsys):
    from django.core.management import CommandError, call_command

    from tickets.models import Status
    from tickets.workflow import transition

    call_command("watch_sla")
    assert "warned: 1" in capsys.readouterr().out
    transition(assigned_ticket, Status.RESOLVED, acting_user=org.agent)
    call_command("close_resolved_tickets", "--older-than-days", "0")
    assert "closed 1 tickets" in capsys.readouterr().out
    assigned_ticket.refresh_from_db()
    assert assigned_ticket.status == Status.CLOSED
    with pytest.raises(CommandError, match="negative"):
        call_command("close_resolved_tickets", "--older-than-days", "-1")


def test_notices_page_and_badge(assigned_ticket, org, client):
    watch_sla.delay().get()
    client.force_login(org.agent)
    home = client.get("/").content.decode()
    assert 'data-testid="notices-link"' in home
    assert 'badge text-bg-warning">1<' in home
    page = client.get("/notices/").content.decode()
    assert assigned_ticket.number in page
    client.post("/notices/read/")
    assert "badge text-bg-warning" not in client.get("/").content.decode()
    client.force_login(org.requester_a)
    assert (
        assigned_ticket.number not in client.get("/notices/").content.decode()
    )  # notices are personal


def test_queue_opens_on_open_tickets(client, org, assigned_ticket):
    from tickets.models import Status
    from tickets.workflow import transition

    client.force_login(org.agent)
    response = client.get("/tickets/queue/")
    assert response.status_code == 302
    assert response["Location"].endswith("?status=open")
    transition(assigned_ticket, Status.CANCELLED, acting_user=org.agent)
    assert assigned_ticket.number not in client.get("/tickets/queue/?status=open").content.decode()
    assert assigned_ticket.number in client.get("/tickets/queue/?status=").content.decode()
