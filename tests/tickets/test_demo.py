def test_demo_seed_is_idempotent(org, service, request_type):
    from tickets import demo
    from tickets.models import Ticket

    result = demo.seed(tickets=60)
    assert result["created"] == 60
    assert Ticket.objects.count() == 60
    assert demo.seed(tickets=60)["created"] == 0
    assert Ticket.objects.filter(status__in=["resolved", "closed"]).exists()
    numbers = list(Ticket.objects.values_list("number", flat=True))
    assert len(set(numbers)) == 60
