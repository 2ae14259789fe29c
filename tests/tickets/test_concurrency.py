"""Two things at once, on a real database with real threads."""

import threading

import pytest
from django.db import connection, connections

from tickets.errors import TransitionNotAllowed
from tickets.models import Status, Ticket, TicketEvent

pytestmark = pytest.mark.django_db(transaction=True)


def _in_threads(count, work):
    barrier = threading.Barrier(count)
    results, errors = [], []

    def run(i):
        try:
            barrier.wait()
            results.append(work(i))
        except Exception as exc:  # collected and asserted on below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, errors


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs row locks")
def test_parallel_creation_keeps_numbers_unique(org, service):
    from tickets.workflow import create_ticket

    results, errors = _in_threads(
        8,
        lambda i: (
            create_ticket(
                acting_user=org.requester_a, service=service, title=f"Parallel {i}"
            ).number
        ),
    )
    assert not errors, errors
    assert len(set(results)) == 8
    assert Ticket.objects.count() == 8


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs row locks")
def test_two_transitions_at_once_one_wins(org, file_ticket):
    from tickets.workflow import transition

    ticket = file_ticket()
    transition(ticket, Status.IN_PROGRESS, acting_user=org.agent)
    targets = [Status.RESOLVED, Status.CANCELLED]
    results, errors = _in_threads(
        2, lambda i: transition(ticket.pk, targets[i], acting_user=org.agent).status
    )
    assert len(results) == 1, (results, errors)
    assert len(errors) == 1 and isinstance(errors[0], TransitionNotAllowed)
    final = Ticket.objects.get(pk=ticket.pk)
    assert final.status == results[0]
    assert TicketEvent.objects.filter(ticket=ticket, kind="transition").count() == 2
