"""Server time of the agent's pages and the tickets API at volume (issue 4's targets).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sso_bench SECRET_KEY=x \\
        .venv/bin/python bench/seed.py --tickets 1000000
    DATABASE_URL=... SECRET_KEY=x .venv/bin/python bench/tickets_bench.py --repeat 15

Requests go through Django's full stack in-process (middleware, auth, templates, the
serializer), so the figures are server time without the network. Each URL is requested
once to warm caches, then ``--repeat`` times; the median and 95th percentile are printed,
with the number of SQL queries per request.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sso.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from sso.models import User  # noqa: E402
from sso.organization import issue_api_token  # noqa: E402
from tickets.models import Ticket  # noqa: E402


def measure(client: Client, url: str, repeat: int, **headers):
    response = client.get(url, **headers)
    status = response.status_code
    timings = []
    queries = []

    def record(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            queries.append({"sql": sql, "time": time.perf_counter() - started})

    with connection.execute_wrapper(record):
        client.get(url, **headers)
    for _ in range(repeat):
        started = time.perf_counter()
        client.get(url, **headers)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    p95 = timings[min(len(timings) - 1, int(len(timings) * 0.95))]
    return statistics.median(timings), p95, queries, status


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--agent", default="desk1")
    parser.add_argument(
        "--explain", action="store_true", help="Print each request's slowest queries."
    )
    options = parser.parse_args()
    settings.ALLOWED_HOSTS = ["*"]
    total = Ticket.objects.count()
    agent = User.objects.get(username=options.agent)
    sample = Ticket.objects.order_by("-opened_at").values_list(
        "number", "agency__code", flat=False
    )[500]
    number, agency_code = sample
    deep_page = max(1, min(1000, total // 50))

    web = Client()
    web.force_login(agent)
    api = Client()
    token = issue_api_token(agent)
    auth = {"HTTP_AUTHORIZATION": f"Token {token}"}
    cases = [
        ("queue, first page (open tickets)", web, "/tickets/queue/?status=open", {}),
        ("queue, all statuses", web, "/tickets/queue/?status=", {}),
        (
            "queue, filtered (status, priority)",
            web,
            "/tickets/queue/?status=in_progress&priority=2",
            {},
        ),
        ("queue, breached filter", web, "/tickets/queue/?breached=1", {}),
        ("queue, search", web, "/tickets/queue/?q=password", {}),
        (f"queue, deep page ({deep_page})", web, f"/tickets/queue/?status=&page={deep_page}", {}),
        ("ticket page", web, f"/tickets/{number}/", {}),
        ("API tickets/, first page", api, "/api/v1/tickets/", auth),
        ("API tickets/, page_size=500", api, "/api/v1/tickets/?page_size=500", auth),
        (f"API tickets/, deep page ({deep_page})", api, f"/api/v1/tickets/?page={deep_page}", auth),
        (
            "API tickets/, filtered (agency, status)",
            api,
            f"/api/v1/tickets/?agency={agency_code}&status=closed",
            auth,
        ),
        (
            "API tickets/{id}/",
            api,
            f"/api/v1/tickets/{Ticket.objects.get(number=number).pk}/",
            auth,
        ),
    ]
    print(f"tickets in database: {total:,}; {connection.vendor}; repeat {options.repeat}")
    print(f"{'case':45} {'median ms':>10} {'p95 ms':>8} {'queries':>8} {'status':>7}")
    for label, client, url, headers in cases:
        median, p95, queries, status = measure(client, url, options.repeat, **headers)
        print(f"{label:45} {median:10.1f} {p95:8.1f} {len(queries):8d} {status:7d}")
        if options.explain:
            for query in sorted(queries, key=lambda q: -q["time"])[:3]:
                print(f"    {float(query['time']) * 1000:7.1f} ms  {query['sql'][:300]}")


if __name__ == "__main__":
    main()
