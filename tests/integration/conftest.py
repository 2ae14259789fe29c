"""A real Celery worker on the machine's Redis, reading the test database.

Tests send their tasks with ``queue=celery_worker.queue``: Celery caches its routing once a
process has sent a task, so the default queue alone is not enough for a second test.

The worker runs in a subprocess with DATABASE_URL pointing at the test database that
pytest-django created, and listens on a queue of its own so that no other worker on the
same Redis takes these tasks. Tests here use transactional_db so the worker sees their rows.
"""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def _database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


@pytest.fixture
def celery_worker(transactional_db):
    if not settings.REDIS_URL:
        pytest.skip("integration tests need REDIS_URL (a real broker)")
    if connection.vendor != "postgresql":
        pytest.skip("integration tests need PostgreSQL shared between processes")
    from sso.celery import app

    queue = f"itest-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "CELERY_QUEUE": queue,
        "CACHE_URL": settings.CACHES["default"]["LOCATION"],
        "DJANGO_SETTINGS_MODULE": "sso.settings",
    }
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "sso",
            "worker",
            "--pool",
            "solo",
            "--queues",
            queue,
            "--hostname",
            f"{queue}@%h",
            "--without-gossip",
            "--without-mingle",
            "--loglevel",
            "WARNING",
        ],
        cwd=ROOT,
        env=env,
    )
    old = (app.conf.task_always_eager, app.conf.task_default_queue)
    app.conf.task_always_eager = False
    app.conf.task_default_queue = queue
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if worker.poll() is not None:
                pytest.fail(f"the Celery worker exited with {worker.returncode}")
            replies = app.control.ping(destination=[f"{queue}@{os.uname().nodename}"], timeout=1)
            if replies:
                break
        else:
            pytest.fail("the Celery worker did not answer within 60 s")
        yield SimpleNamespace(app=app, queue=queue)
    finally:
        app.conf.task_always_eager, app.conf.task_default_queue = old
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
