"""/healthz: is the database answering, is the broker answering. 200 when all are, else 503."""

import time

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache


def _check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"engine": connection.vendor}


def _check_broker():
    if not settings.REDIS_URL:
        return {"mode": "eager", "detail": "no REDIS_URL: tasks run in-process"}
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
    try:
        client.ping()
    finally:
        client.close()
    return {"mode": "redis"}


@never_cache
def healthz(request):
    checks = {}
    healthy = True
    for name, check in (("database", _check_database), ("broker", _check_broker)):
        started = time.perf_counter()
        try:
            result = {"ok": True, **check()}
        except Exception as exc:
            healthy = False
            result = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
        result["ms"] = round((time.perf_counter() - started) * 1000, 1)
        checks[name] = result
    return JsonResponse(
        {
            "status": "ok" if healthy else "unavailable",
            "checks": checks,
            # Informational: when beat and a worker last ran the heartbeat task (null: never).
            "worker_heartbeat": _last_heartbeat(),
        },
        status=200 if healthy else 503,
    )


def _last_heartbeat():
    from django.core.cache import cache

    from sso.tasks import HEARTBEAT_KEY

    try:
        return cache.get(HEARTBEAT_KEY)
    except Exception:  # the cache is Redis: when it is down the broker check already says so
        return None
