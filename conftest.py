"""Session-wide test set-up (kept beside manage.py so it applies to every tests/ folder)."""

from pathlib import Path


def pytest_configure(config):
    from django.conf import settings

    from sso.celery import app as celery_app

    # Hashing at production strength makes every test user cost ~0.3 s; tests need no strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Unit tests run queued tasks in-process; tests/integration switches this off and
    # starts a real worker on Redis.
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    # Each xdist worker gets a Redis database of its own for the cache, so one worker's
    # cache.clear() between tests cannot wipe what another worker's test (or its Celery
    # worker) just wrote. The broker stays on REDIS_URL.
    worker = getattr(config, "workerinput", {}).get("workerid", "")
    if settings.REDIS_URL and worker.startswith("gw"):
        base = settings.REDIS_URL.rsplit("/", 1)[0]
        settings.CACHES["default"]["LOCATION"] = f"{base}/{1 + int(worker[2:]) % 8}"
    # Pages use the production static pipeline (hashed names); collect it once per run.
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if not manifest.exists() and not hasattr(config, "workerinput"):
        from django.core.management import call_command

        call_command("collectstatic", interactive=False, verbosity=0)
