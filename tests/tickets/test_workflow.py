"""Filing, the workflow, routing, triage and bad input."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from tests.factories import make_service
from tickets import triage
from tickets.errors import ServiceNotAcceptingTickets, TransitionNotAllowed
from tickets.models import RoutingRule, Status, TeamAssignment, Ticket
from tickets.workflow import approve, create_ticket, reject, transition


def test_numbers_by_kind_and_year(org, file_ticket):
    first = file_ticket()
    second = file_ticket(kind="request")
    third = file_ticket()
    year = first.opened_at.year
    assert first.number == f"INC-{year}-000001"
    assert second.number == f"REQ-{year}-000001"
    assert third.number == f"INC-{year}-000002"


def test_filing_with_a_form(org, request_type, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ticket = create_ticket(
            acting_user=org.requester_a,
            service=request_type.service,
            request_type=request_type,
            title="Laptop for new hire",
            fields={"model": "pro", "needed_by": "2026-12-01"},
            impact=3,
            urgency=2,
        )
    assert ticket.agency == org.agency_a
    assert ticket.requester == org.requester_a
    assert ticket.fields == {"model": "pro", "needed_by": "2026-12-01"}
    assert ticket.priority == 4
    assert ticket.status == Status.NEW
    assert ticket.team == org.desk
    assert TeamAssignment.objects.get(ticket=ticket, ended_at__isnull=True).team == org.desk
    assert any("Received" in m.subject for m in mail.outbox)


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"fields": {"model": "gold"}}, "fields"),
        ({"fields": {}}, "fields"),
        ({"fields": {"model": "pro", "colour": "red"}}, "fields"),
        ({"impact": 7}, "impact"),
        ({"urgency": "x"}, "urgency"),
        ({"title": "  "}, "title"),
    ],
)
def test_bad_input_is_a_field_error_and_nothing_saved(org, request_type, options, field):
    values = {"fields": {"model": "pro"}, "title": "Laptop"} | options
    with pytest.raises(ValidationError) as info:
        create_ticket(
            acting_user=org.requester_a,
            service=request_type.service,
            request_type=request_type,
            **values,
        )
    assert field in info.value.message_dict
    assert not Ticket.objects.exists()


def test_retired_service_is_a_conflict(org):
    retired = make_service("OLD", lifecycle_state="retired")
    with pytest.raises(ServiceNotAcceptingTickets):
        create_ticket(acting_user=org.requester_a, service=retired, title="Help")
    assert not Ticket.objects.exists()


def test_request_type_of_another_service(org, request_type):
    other = make_service("OTHER")
    with pytest.raises(ValidationError) as info:
        create_ticket(
            acting_user=org.requester_a, service=other, request_type=request_type, title="x"
        )
    assert "request_type" in info.value.message_dict


def test_agency_user_files_only_for_own_agency(org, service):
    with pytest.raises(ValidationError) as info:
        create_ticket(acting_user=org.requester_a, service=service, agency=org.agency_b, title="x")
    assert "agency" in info.value.message_dict


def test_opened_at_is_for_integrators_and_never_future(org, service):
    from django.utils import timezone

    with pytest.raises(ValidationError):
        create_ticket(
            acting_user=org.requester_a,
            service=service,
            title="x",
            opened_at=timezone.now() - timezone.timedelta(days=1),
        )
    with pytest.raises(ValidationError) as info:
        create_ticket(
            acting_user=org.integrator,
            agency=org.agency_a,
            service=service,
            title="x",
            opened_at=timezone.now() + timezone.timedelta(hours=1),
        )
    assert "opened_at" in info.value.message_dict


def test_happy_path_and_closed_is_closed(org, file_ticket):
    ticket = file_ticket()
    for status in (Status.TRIAGED, Status.IN_PROGRESS, Status.RESOLVED, Status.CLOSED):
        ticket = transition(ticket, status, acting_user=org.agent)
    assert ticket.closed_at is not None
    with pytest.raises(TransitionNotAllowed):
        transition(ticket, Status.IN_PROGRESS, acting_user=org.agent)
    kinds = list(ticket.events.values_list("to_status", flat=True))
    assert kinds == ["new", "triaged", "in_progress", "resolved", "closed"]


def test_transition_at_before_previous_event(org, file_ticket):
    from tests.tickets.conftest import ny

    ticket = file_ticket(opened_at=ny(2026, 10, 5, 9, 0))
    transition(ticket, Status.IN_PROGRESS, acting_user=org.integrator, at=ny(2026, 10, 5, 10, 0))
    with pytest.raises(ValidationError) as info:
        transition(ticket, Status.RESOLVED, acting_user=org.integrator, at=ny(2026, 10, 5, 9, 30))
    assert "at" in info.value.message_dict
    with pytest.raises(ValidationError):
        transition(ticket, Status.RESOLVED, acting_user=org.agent, at=ny(2026, 10, 5, 11, 0))


def test_customers_may_only_make_customer_moves(org, file_ticket):
    ticket = file_ticket()
    with pytest.raises(PermissionDenied):
        transition(ticket, Status.RESOLVED, acting_user=org.requester_a)
    transition(ticket, Status.WAITING_ON_CUSTOMER, acting_user=org.agent)
    transition(ticket, Status.IN_PROGRESS, acting_user=org.requester_a)
    transition(ticket, Status.RESOLVED, acting_user=org.agent)
    ticket = transition(ticket, Status.IN_PROGRESS, acting_user=org.requester_a)  # reopen
    assert ticket.reopen_count == 1


def test_approval(org, service):
    from tests.factories import make_request_type

    rt = make_request_type(service, name="Software", requires_approval=True)
    ticket = create_ticket(
        acting_user=org.requester_a, service=service, request_type=rt, title="Visio"
    )
    assert ticket.status == Status.AWAITING_APPROVAL
    with pytest.raises(PermissionDenied):
        approve(ticket, acting_user=org.agent)
    with pytest.raises(PermissionDenied):
        transition(ticket, Status.NEW, acting_user=org.agent)
    assert approve(ticket, acting_user=org.approver_a).status == Status.NEW
    other = create_ticket(
        acting_user=org.requester_a, service=service, request_type=rt, title="Project"
    )
    assert reject(other, acting_user=org.approver_a, note="No budget").status == Status.CANCELLED


def test_routing_rules_in_order(org, service, file_ticket):
    RoutingRule.objects.create(
        name="Payroll words",
        position=1,
        keywords="payroll, salary",
        set_team=org.specialists,
        set_priority=2,
        add_tags="payroll",
    )
    RoutingRule.objects.create(name="Catch all", position=2, set_priority=4)
    ticket = file_ticket(title="Salary missing", description="my payroll")
    assert ticket.team == org.specialists
    assert ticket.tier == 2
    assert ticket.priority == 2
    assert list(ticket.tags.values_list("name", flat=True)) == ["payroll"]
    assert ticket.events.filter(kind="routing").exists()
    plain = file_ticket(title="Mouse broken")
    assert plain.priority == 4
    # Re-run after the rules change.
    RoutingRule.objects.create(
        name="Mouse", position=0, keywords="mouse", set_tier=2, set_team=org.specialists
    )
    triage.rerun_rules(plain, acting_user=org.agent)
    plain.refresh_from_db()
    assert plain.team == org.specialists


def test_assign_escalate_and_spans(org, file_ticket):
    ticket = file_ticket()
    ticket = triage.assign(ticket, acting_user=org.agent, assignee=org.agent)
    assert ticket.status == Status.TRIAGED  # out of the dispatcher's queue
    with pytest.raises(ValidationError):
        triage.escalate(ticket, acting_user=org.agent, reason="")
    ticket = triage.escalate(ticket, acting_user=org.agent, reason="Needs a specialist")
    assert ticket.team == org.specialists and ticket.tier == 2 and ticket.assignee is None
    spans = list(TeamAssignment.objects.filter(ticket=ticket).order_by("started_at", "pk"))
    assert [s.team for s in spans] == [org.desk, org.specialists]
    assert spans[0].ended_at is not None and spans[1].ended_at is None
    assert ticket.events.filter(kind="escalation", note="Needs a specialist").exists()
    with pytest.raises(PermissionDenied):
        triage.assign(ticket, acting_user=org.requester_a, assignee=org.agent)


def test_bulk_assign_and_dispatcher_queue(org, file_ticket):
    tickets = [file_ticket(title=f"T{i}") for i in range(3)]
    assert triage.dispatcher_queue(org.agent).count() == 3
    triage.bulk_assign([t.pk for t in tickets], acting_user=org.agent, assignee=org.agent)
    assert triage.dispatcher_queue(org.agent).count() == 0
    assert Ticket.objects.filter(assignee=org.agent).count() == 3


def test_internal_note_is_never_mailed_to_agency_users(
    org, file_ticket, django_capture_on_commit_callbacks
):
    from tickets.conversation import add_comment

    ticket = file_ticket()
    ticket.watchers.add(org.approver_a)
    triage.assign(ticket, acting_user=org.agent, assignee=org.specialist, team=org.specialists)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        add_comment(ticket, acting_user=org.agent, body="Secret: the vendor is late", internal=True)
    agency_addresses = {org.requester_a.email, org.approver_a.email}
    for message in mail.outbox:
        assert not (set(message.bcc) & agency_addresses)
    with django_capture_on_commit_callbacks(execute=True):
        add_comment(ticket, acting_user=org.agent, body="We are on it")
    assert any(org.requester_a.email in m.bcc for m in mail.outbox)
    assert ticket.__class__.objects.get(pk=ticket.pk).first_response_at is not None
    with pytest.raises(ValidationError):
        add_comment(ticket, acting_user=org.requester_a, body="x", internal=True)


def test_rating_once_by_requester(org, file_ticket):
    from tickets.conversation import rate
    from tickets.errors import AlreadyRated

    ticket = file_ticket()
    with pytest.raises(TransitionNotAllowed):
        rate(ticket, acting_user=org.requester_a, score=5)
    transition(ticket, Status.RESOLVED, acting_user=org.agent)
    with pytest.raises(PermissionDenied):
        rate(ticket, acting_user=org.agent, score=5)
    with pytest.raises(ValidationError):
        rate(ticket, acting_user=org.requester_a, score=6)
    rate(ticket, acting_user=org.requester_a, score=4, comment="Quick")
    with pytest.raises(AlreadyRated):
        rate(ticket, acting_user=org.requester_a, score=5)


def test_oversize_and_forbidden_attachments(org, file_ticket, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tickets.conversation import add_attachment

    settings.MEDIA_ROOT = tmp_path
    settings.TICKETS_MAX_ATTACHMENT_BYTES = 1024
    ticket = file_ticket()
    with pytest.raises(ValidationError):
        add_attachment(
            ticket,
            acting_user=org.requester_a,
            upload=SimpleUploadedFile("big.pdf", b"x" * 2048, "application/pdf"),
        )
    with pytest.raises(ValidationError):
        add_attachment(
            ticket,
            acting_user=org.requester_a,
            upload=SimpleUploadedFile("run.exe", b"MZ", "application/octet-stream"),
        )
    ok = add_attachment(
        ticket,
        acting_user=org.requester_a,
        upload=SimpleUploadedFile("log.txt", b"hello", "text/plain"),
    )
    assert ok.size == 5 and ok.content_type == "text/plain"


def test_auto_close(org, file_ticket):
    from datetime import timedelta

    from django.utils import timezone

    from tickets.workflow import close_resolved

    ticket = file_ticket()
    transition(ticket, Status.RESOLVED, acting_user=org.agent)
    assert close_resolved(now=timezone.now() + timedelta(days=10)) == 1
    assert close_resolved(now=timezone.now() + timedelta(days=10)) == 0
    assert Ticket.objects.get(pk=ticket.pk).status == Status.CLOSED
