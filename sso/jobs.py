"""Helpers every periodic job shares: a Redis lock so two runs never overlap, and a
progress bar for the backfill commands.

The lock lives in the cache (Redis when REDIS_URL is set, process memory otherwise), is
released when the job ends, and expires on its own so a crashed worker cannot hold it forever.
"""

import contextlib
import uuid
from collections.abc import Iterable, Iterator

from django.core.cache import cache


class JobAlreadyRunning(Exception):
    """Another run of the same job holds the lock."""


@contextlib.contextmanager
def exclusive(name: str, *, timeout: int = 60 * 60) -> Iterator[None]:
    key = f"job-lock:{name}"
    token = uuid.uuid4().hex
    if not cache.add(key, token, timeout=timeout):
        raise JobAlreadyRunning(f"{name} is already running")
    try:
        yield
    finally:
        # Only release our own lock: if it expired and another run took it, leave theirs alone.
        if cache.get(key) == token:
            cache.delete(key)


def progress(
    iterable: Iterable,
    *,
    total: int | None = None,
    desc: str = "",
    stream=None,
    enabled: bool = True,
):
    """A tqdm progress bar on the command's stderr (disabled when not wanted, e.g. in tests)."""
    from tqdm import tqdm

    return tqdm(
        iterable, total=total, desc=desc, file=stream, disable=not enabled, unit="day", leave=False
    )
