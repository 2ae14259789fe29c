"""Ticket pages: filing with the form, escaping, internal notes, 404s, query counts."""

from django.urls import reverse

from tests.factories import PASSWORD
from tickets.conversation import add_comment
from tickets.models import Status, Ticket


def _login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_file_from_the_catalog_form(org, client, request_type):
    _login(client, org.requester_a)
    url = reverse("tickets:new") + "?service=DESK"
    page = client.get(url + f"&request_type={request_type.pk}")
    assert page.status_code == 200
    assert b'name="f_model"' in page.content
    bad = client.post(
        url,
        {
            "request_type": request_type.pk,
            "title": "Laptop",
            "f_model": "gold",
            "impact": "2",
            "urgency": "2",
        },
    )
    assert bad.status_code == 200 and b"form-errors" in bad.content
    assert not Ticket.objects.exists()
    good = client.post(
        url,
        {
            "request_type": request_type.pk,
            "title": "Laptop",
            "f_model": "pro",
            "impact": "2",
            "urgency": "2",
        },
    )
    ticket = Ticket.objects.get()
    assert good.status_code == 302 and good.url == reverse("tickets:detail", args=[ticket.number])
    assert ticket.fields == {"model": "pro"}


def test_script_in_title_is_escaped(org, client, file_ticket):
    ticket = file_ticket(title="<script>alert('x')</script>")
    _login(client, org.requester_a)
    page = client.get(reverse("tickets:detail", args=[ticket.number]))
    assert b"<script>alert(" not in page.content
    assert b"&lt;script&gt;" in page.content
    _login(client, org.agent)
    assert b"<script>alert(" not in client.get(reverse("tickets:queue")).content


def test_internal_notes_not_on_agency_page(org, client, file_ticket):
    ticket = file_ticket()
    add_comment(ticket, acting_user=org.agent, body="INTERNAL-SECRET", internal=True)
    add_comment(ticket, acting_user=org.agent, body="Public answer")
    _login(client, org.requester_a)
    page = client.get(reverse("tickets:detail", args=[ticket.number]))
    assert b"Public answer" in page.content and b"INTERNAL-SECRET" not in page.content
    _login(client, org.agent)
    assert b"INTERNAL-SECRET" in client.get(reverse("tickets:detail", args=[ticket.number])).content


def test_other_agency_ticket_is_404(org, client, file_ticket):
    ticket = file_ticket()
    _login(client, org.requester_b)
    assert client.get(reverse("tickets:detail", args=[ticket.number])).status_code == 404
    assert (
        client.post(reverse("tickets:reply", args=[ticket.number]), {"body": "x"}).status_code
        == 404
    )


def test_agent_actions_with_htmx(org, client, file_ticket):
    ticket = file_ticket()
    _login(client, org.agent)
    headers = {"HTTP_HX_REQUEST": "true"}
    response = client.post(
        reverse("tickets:assign", args=[ticket.number]), {"assignee": "me"}, **headers
    )
    assert response.status_code == 200 and b"ticket-title" in response.content
    client.post(
        reverse("tickets:reply", args=[ticket.number]),
        {"body": "Hello", "internal": "0"},
        **headers,
    )
    client.post(
        reverse("tickets:transition", args=[ticket.number]), {"status": "resolved"}, **headers
    )
    ticket.refresh_from_db()
    assert ticket.status == Status.RESOLVED and ticket.first_response_at is not None
    bad = client.post(
        reverse("tickets:transition", args=[ticket.number]), {"status": "new"}, **headers
    )
    assert bad.status_code == 200 and b"cannot go from" in bad.content


def test_queue_filters_and_query_count(org, client, file_ticket, django_assert_max_num_queries):
    for i in range(3):
        file_ticket(title=f"Printer {i}")
    _login(client, org.agent)
    client.get(reverse("tickets:queue"))
    with django_assert_max_num_queries(30) as small:
        client.get(reverse("tickets:queue"), {"page_size": 25})
    for i in range(20):
        file_ticket(title=f"Monitor {i}")
    with django_assert_max_num_queries(30) as large:
        page = client.get(reverse("tickets:queue"), {"page_size": 25})
    assert len(large.captured_queries) == len(small.captured_queries)
    assert page.content.count(b'name="ticket"') == 23
    filtered = client.get(reverse("tickets:queue"), {"q": "Printer"})
    assert filtered.content.count(b'name="ticket"') == 3


def test_my_tickets_and_approvals(org, client, service):
    from tests.factories import make_request_type
    from tickets.workflow import create_ticket

    rt = make_request_type(service, name="Software", requires_approval=True)
    ticket = create_ticket(
        acting_user=org.requester_a, service=service, request_type=rt, title="Visio"
    )
    _login(client, org.requester_a)
    assert ticket.number.encode() in client.get(reverse("tickets:mine")).content
    _login(client, org.approver_a)
    page = client.get(reverse("tickets:agency"))
    assert b"pending-approvals" in page.content
    client.post(reverse("tickets:approve", args=[ticket.number]))
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW


def test_rating_page(org, client, file_ticket):
    from tickets.workflow import transition

    ticket = file_ticket()
    transition(ticket, Status.RESOLVED, acting_user=org.agent)
    _login(client, org.requester_a)
    assert b"rate-link" in client.get(reverse("tickets:detail", args=[ticket.number])).content
    client.post(reverse("tickets:rate", args=[ticket.number]), {"score": "5", "comment": "Great"})
    assert ticket.__class__.objects.get(pk=ticket.pk).rating.score == 5
