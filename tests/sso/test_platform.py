import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]


def _start_django(**env):
    full_env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DEBUG", "SECRET_KEY", "DATABASE_URL", "REDIS_URL")
    }
    full_env.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env={**full_env, "DJANGO_SETTINGS_MODULE": "sso.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"DEBUG": "maybe"}, "DEBUG"),
        ({"DEBUG": "0"}, "SECRET_KEY"),
        ({"DEBUG": "1", "DATABASE_URL": "mysql://x/y"}, "DATABASE_URL"),
        ({"DEBUG": "1", "DATABASE_URL": "nonsense"}, "DATABASE_URL"),
        ({"DEBUG": "1", "REDIS_URL": "http://x"}, "REDIS_URL"),
        ({"DEBUG": "1", "TIME_ZONE": "Mars/Olympus"}, "TIME_ZONE"),
        (
            {
                "DEBUG": "1",
                "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "EMAIL_PORT": "x",
            },
            "EMAIL_PORT",
        ),
    ],
)
def test_malformed_setting_stops_startup_naming_it(env, named):
    result = _start_django(**env)
    assert result.returncode != 0
    assert named in result.stderr


def test_embedded_default_starts_with_no_environment():
    result = _start_django(DEBUG="1")
    assert result.returncode == 0, result.stderr


def test_healthz_reports_database_and_broker(client, db, settings):
    response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 200, body
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["broker"]["ok"] is True


def test_healthz_shows_the_last_worker_heartbeat(client, db):
    from sso.tasks import heartbeat

    assert client.get("/healthz").json()["worker_heartbeat"] is None
    heartbeat.delay()
    assert client.get("/healthz").json()["worker_heartbeat"] is not None


def test_healthz_is_503_when_broker_is_down(client, db, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["broker"]["ok"] is False


def test_beat_schedule_tasks_exist():
    from django.conf import settings

    from sso.celery import app

    app.loader.import_default_modules()
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert entry["task"] in app.tasks, name


def test_compose_file_describes_the_stack():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"db", "redis", "web", "worker", "beat"} <= set(services)
    for name in ("web", "worker", "beat"):
        env = services[name]["environment"]
        assert "DATABASE_URL" in env and env["DATABASE_URL"].startswith("postgres://")
        assert "REDIS_URL" in env and env["REDIS_URL"].startswith("redis://")
        assert "SECRET_KEY" in env
    assert "gunicorn" in " ".join(services["web"]["command"])
    assert "worker" in services["worker"]["command"]
    assert "beat" in services["beat"]["command"]
    assert (ROOT / "Dockerfile").exists()


def test_create_api_token_prints_a_working_key(org, capsys):
    call_command("create_api_token", "a.requester")
    key = capsys.readouterr().out.strip()
    from rest_framework.authtoken.models import Token

    assert Token.objects.get(key=key).user == org.requester_a


def test_create_api_token_unknown_user(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No user named"):
        call_command("create_api_token", "ghost")


def test_seed_demo_is_idempotent(db):
    from sso.models import Agency, Role, RoleGrant, Team, User

    call_command("seed_demo")
    counts = (
        Agency.objects.count(),
        Team.objects.count(),
        User.objects.count(),
        RoleGrant.objects.count(),
    )
    call_command("seed_demo")
    assert counts == (
        Agency.objects.count(),
        Team.objects.count(),
        User.objects.count(),
        RoleGrant.objects.count(),
    )
    assert Agency.objects.count() >= 12
    assert len(set(Agency.objects.values_list("level", flat=True))) >= 4
    assert set(RoleGrant.objects.values_list("role", flat=True)) == set(Role.values)
    assert set(Team.objects.values_list("tier", flat=True)) == {1, 2, 3}


def test_openapi_schema_is_valid_and_warning_free(tmp_path):
    # Integrators generate clients from it: every endpoint must describe itself cleanly.
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml")
    )
    text = (tmp_path / "schema.yml").read_text()
    for path in ("/api/v1/tickets/", "/api/v1/sla-compliance/", "/api/v1/services/{id}/lifecycle/"):
        assert path in text
