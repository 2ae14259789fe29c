import pytest
from django.core.cache import cache

from sso.tasks import HEARTBEAT_KEY, heartbeat

pytestmark = pytest.mark.integration


def test_real_worker_runs_the_heartbeat(celery_worker):
    cache.delete(HEARTBEAT_KEY)
    result = heartbeat.apply_async()
    result.get(timeout=60)
    assert cache.get(HEARTBEAT_KEY) is not None
