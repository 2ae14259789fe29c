"""Webhooks, against a real HTTP server on 127.0.0.1."""

import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from tickets.conversation import add_comment
from tickets.models import Status
from tickets.webhook_models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from tickets.workflow import transition

pytestmark = pytest.mark.django_db(transaction=True)


class Receiver:
    def __init__(self):
        self.requests = []
        self.status = 200
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append((dict(self.headers), body))
                self.send_response(receiver.status)
                self.end_headers()
                self.wfile.write(b"thanks")

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def events(self):
        return [json.loads(body)["event"] for _, body in self.requests]


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.server.shutdown()


def test_integrator_registers_and_receives_signed_events(api, org, receiver, file_ticket):
    client = api.as_user(org.integrator_a)
    created = client.post("/api/v1/webhooks/", {"url": receiver.url, "events": []}, format="json")
    assert created.status_code == 201, created.json()
    secret = created.json()["secret"]
    assert "secret" not in client.get(f"/api/v1/webhooks/{created.json()['id']}/").json()

    ticket = file_ticket()
    assert receiver.events() == ["ticket.created"]
    headers, body = receiver.requests[0]
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    assert headers["X-Signature"] == expected
    assert json.loads(body)["ticket"]["number"] == ticket.number

    add_comment(ticket, acting_user=org.agent, body="Internal thoughts", internal=True)
    add_comment(ticket, acting_user=org.agent, body="Public reply")
    transition(ticket, Status.IN_PROGRESS, acting_user=org.agent)
    assert receiver.events() == ["ticket.created", "ticket.commented", "ticket.transitioned"]
    assert b"Internal thoughts" not in b"".join(body for _, body in receiver.requests)
    log = client.get("/api/v1/webhook-deliveries/").json()["results"]
    assert {row["response_code"] for row in log} == {200}
    assert {row["status"] for row in log} == {"succeeded"}


def test_other_agency_events_are_not_sent(api, org, receiver, file_ticket):
    api.as_user(org.integrator_a).post("/api/v1/webhooks/", {"url": receiver.url}, format="json")
    file_ticket(acting_user=org.requester_b)
    assert receiver.requests == []


def test_failed_delivery_is_logged_with_its_code(org, receiver, file_ticket):
    receiver.status = 503
    WebhookEndpoint.objects.create(owner=org.integrator, url=receiver.url)
    file_ticket()
    delivery = WebhookDelivery.objects.get()
    assert delivery.response_code == 503
    assert delivery.attempts == 1
    assert delivery.status == DeliveryStatus.PENDING  # a broker would retry it with backoff


def test_dead_endpoint_never_breaks_the_ticket(org, file_ticket):
    WebhookEndpoint.objects.create(owner=org.integrator, url="http://127.0.0.1:9/nothing-listens")
    ticket = file_ticket()
    assert ticket.pk
    delivery = WebhookDelivery.objects.get()
    assert delivery.error


@pytest.mark.parametrize("url", ["file:///etc/passwd", "not a url", "ftp://example.org/x"])
def test_bad_urls_are_400(api, org, url):
    response = api.as_user(org.integrator_a).post("/api/v1/webhooks/", {"url": url}, format="json")
    assert response.status_code == 400
    assert "url" in response.json()


def test_requesters_cannot_register_webhooks(api, org, receiver):
    response = api.as_user(org.requester_a).post(
        "/api/v1/webhooks/", {"url": receiver.url}, format="json"
    )
    assert response.status_code == 403
