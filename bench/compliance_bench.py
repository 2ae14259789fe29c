"""Nightly SLA compliance at volume (issue 5's targets): one day, then a two-year backfill.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sso_bench SECRET_KEY=x \\
        .venv/bin/python bench/seed.py --tickets 1000000 --days 730
    DATABASE_URL=... SECRET_KEY=x .venv/bin/python bench/compliance_bench.py
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sso.settings")

import django

django.setup()

from django.db import connection  # noqa: E402

from tickets import compliance  # noqa: E402
from tickets.compliance_models import SlaComplianceDay, SlaComplianceMonth, TeamComplianceDay  # noqa: E402
from tickets.models import Ticket  # noqa: E402


def timed(label, function, *args, **kwargs):
    started = time.perf_counter()
    result = function(*args, **kwargs)
    print(f"{label:48} {time.perf_counter() - started:8.2f} s   {result}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--days", type=int, default=730)
    options = parser.parse_args()
    yesterday = compliance.today_local() - timedelta(days=1)
    first = yesterday - timedelta(days=options.days - 1)
    print(f"tickets: {Ticket.objects.count():,}; {connection.vendor}")
    timed("nightly run (yesterday, cold rows)", compliance.compute_range, yesterday, yesterday)
    timed("nightly run again (idempotent rerun)", compliance.compute_range, yesterday, yesterday)
    timed("nightly task as scheduled (3-day lookback)", compliance.compute_previous_days, 3)
    timed(f"backfill {first}..{yesterday}", compliance.compute_range, first, yesterday)
    timed("backfill again (same rows)", compliance.compute_range, first, yesterday)
    print(
        f"rows: {SlaComplianceDay.objects.count():,} day, {SlaComplianceMonth.objects.count():,} month, "
        f"{TeamComplianceDay.objects.count():,} team"
    )


if __name__ == "__main__":
    main()
