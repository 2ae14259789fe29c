from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

HEARTBEAT_KEY = "sso:worker-heartbeat"


@shared_task(ignore_result=True, time_limit=30)
def heartbeat():
    """Prove that beat and a worker are alive: /healthz reports when this last ran."""
    cache.set(HEARTBEAT_KEY, timezone.now().isoformat(), timeout=None)
