"""Business time on a calendar: the one engine every SLA clock uses.

A calendar is a time zone, weekly working windows (several a day allowed, "24:00" may end
a window) and holidays. Business time is real elapsed time inside working windows, so a
24x7 calendar's day of a DST change has 23 or 25 business hours, and an 08:00-17:00 window
is always nine hours whichever offset the day has.

    add_business_time(calendar, start, minutes) -> the aware UTC instant ``minutes`` of
        working time after ``start`` (a start outside hours begins at the next window)
    business_minutes_between(calendar, start, end) -> whole working minutes in [start, end)

``calendar`` is a ``catalog.models.BusinessCalendar`` or a ``CalendarSpec`` (use
``CalendarSpec.from_calendar`` once when computing many tickets on one calendar).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

MINUTES_PER_DAY = 24 * 60
# Beyond this many calendar days with no working time the calendar is treated as broken
# (e.g. every day a holiday); a clear error beats an endless loop.
MAX_SEARCH_DAYS = 3 * 366


class CalendarError(ValueError):
    """The calendar cannot measure time (no working hours, or none within reach)."""


@dataclass(frozen=True)
class CalendarSpec:
    timezone: str
    # weekday (Mon=0) -> sorted, non-overlapping (start_minute, end_minute) from local midnight
    windows: dict[int, tuple[tuple[int, int], ...]]
    holidays: frozenset[date] = field(default_factory=frozenset)

    @property
    def tz(self) -> ZoneInfo:
        return _zone(self.timezone)

    @classmethod
    def from_calendar(cls, calendar) -> CalendarSpec:
        if isinstance(calendar, CalendarSpec):
            return calendar
        windows: dict[int, list[tuple[int, int]]] = {}
        for hours in calendar.hours.all():
            windows.setdefault(hours.weekday, []).append((hours.start_minute, hours.end_minute))
        return cls(
            timezone=calendar.timezone,
            windows={day: tuple(sorted(spans)) for day, spans in windows.items()},
            holidays=frozenset(h.date for h in calendar.holidays.all()),
        )

    @classmethod
    def always_open(cls, timezone: str = "UTC") -> CalendarSpec:
        return cls(timezone=timezone, windows=dict.fromkeys(range(7), ((0, MINUTES_PER_DAY),)))

    def has_hours(self) -> bool:
        return any(self.windows.values())


@lru_cache(maxsize=64)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def _local_instant(day: date, minute: int, tz: ZoneInfo) -> datetime:
    """The UTC instant of a wall-clock minute of ``day`` (24:00 is the next midnight)."""
    if minute >= MINUTES_PER_DAY:
        day = day + timedelta(days=minute // MINUTES_PER_DAY)
        minute %= MINUTES_PER_DAY
    wall = datetime.combine(day, time(minute // 60, minute % 60), tzinfo=tz)
    instant = wall.astimezone(UTC)
    if instant.astimezone(tz).replace(tzinfo=None) != wall.replace(tzinfo=None):
        # The wall time does not exist (skipped by a spring-forward change). Clamp it to the
        # change itself, so that 02:00-02:45 on such a day is empty and cannot overlap 03:00-.
        return _gap_start(wall.replace(fold=1).astimezone(UTC), instant, tz)
    return instant


def _gap_start(before: datetime, after: datetime, tz: ZoneInfo) -> datetime:
    """The instant the offset changes between ``before`` and ``after`` (offsets change on minutes)."""
    offset = before.astimezone(tz).utcoffset()
    low, high = 0, int((after - before).total_seconds() // 60)
    while low < high:
        middle = (low + high) // 2
        if (before + timedelta(minutes=middle)).astimezone(tz).utcoffset() == offset:
            low = middle + 1
        else:
            high = middle
    return before + timedelta(minutes=low)


def _day_windows(spec: CalendarSpec, day: date) -> list[tuple[datetime, datetime]]:
    if day in spec.holidays:
        return []
    tz = spec.tz
    return [
        (_local_instant(day, start, tz), _local_instant(day, end, tz))
        for start, end in spec.windows.get(day.weekday(), ())
    ]


def _require_aware(value: datetime, name: str) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime")
    return value.astimezone(UTC)


def add_business_time(calendar, start: datetime, minutes: int) -> datetime:
    """The instant ``minutes`` business minutes after ``start`` (aware, UTC)."""
    spec = CalendarSpec.from_calendar(calendar)
    start = _require_aware(start, "start")
    if minutes < 0:
        raise ValueError("minutes must not be negative")
    if minutes == 0:
        return start
    if not spec.has_hours():
        raise CalendarError("the calendar has no working hours")
    remaining = timedelta(minutes=minutes)
    # Start one local day early: a window that began yesterday may still be open (24:00 ends).
    day = start.astimezone(spec.tz).date() - timedelta(days=1)
    idle_days = 0
    while idle_days <= MAX_SEARCH_DAYS:
        windows = _day_windows(spec, day)
        idle_days = 0 if windows else idle_days + 1
        for window_start, window_end in windows:
            segment_start = max(window_start, start)
            if segment_start >= window_end:
                continue
            available = window_end - segment_start
            if remaining <= available:
                return segment_start + remaining
            remaining -= available
        day += timedelta(days=1)
    raise CalendarError(
        f"no working time within {MAX_SEARCH_DAYS} days: check the calendar's holidays"
    )


def business_seconds_between(calendar, start: datetime, end: datetime) -> int:
    spec = CalendarSpec.from_calendar(calendar)
    start = _require_aware(start, "start")
    end = _require_aware(end, "end")
    if end < start:
        return -business_seconds_between(spec, end, start)
    total = timedelta(0)
    day = start.astimezone(spec.tz).date() - timedelta(days=1)
    last_day = end.astimezone(spec.tz).date()
    while day <= last_day:
        for window_start, window_end in _day_windows(spec, day):
            overlap = min(window_end, end) - max(window_start, start)
            if overlap > timedelta(0):
                total += overlap
        day += timedelta(days=1)
    return int(total.total_seconds())


def business_minutes_between(calendar, start: datetime, end: datetime) -> int:
    """Whole business minutes from ``start`` to ``end`` (negative when end is earlier)."""
    seconds = business_seconds_between(calendar, start, end)
    return seconds // 60 if seconds >= 0 else -((-seconds) // 60)


def is_business_time(calendar, instant: datetime) -> bool:
    spec = CalendarSpec.from_calendar(calendar)
    instant = _require_aware(instant, "instant")
    local_day = instant.astimezone(spec.tz).date()
    for day in (local_day - timedelta(days=1), local_day):
        for window_start, window_end in _day_windows(spec, day):
            if window_start <= instant < window_end:
                return True
    return False


def parse_hhmm(value: str, *, allow_24: bool = False) -> int:
    """'08:30' -> 510 minutes from midnight; '24:00' only where a window ends."""
    try:
        hours_text, minutes_text = value.split(":")
        hours, minutes = int(hours_text), int(minutes_text)
    except (AttributeError, ValueError):
        raise ValueError(f"{value!r} is not a time like 08:30") from None
    if allow_24 and hours == 24 and minutes == 0:
        return MINUTES_PER_DAY
    if not (0 <= hours < 24 and 0 <= minutes < 60):
        raise ValueError(f"{value!r} is not a time of day between 00:00 and 23:59")
    return hours * 60 + minutes


def format_hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def validate_windows(windows: list[tuple[int, int, int]]) -> list[str]:
    """Errors for (weekday, start, end) windows: reversed, empty, out of range, overlapping."""
    errors = []
    by_day: dict[int, list[tuple[int, int]]] = {}
    for weekday, start, end in windows:
        if not 0 <= weekday <= 6:
            errors.append(f"weekday {weekday} is not 0 (Monday) to 6 (Sunday)")
            continue
        if not 0 <= start < MINUTES_PER_DAY or not 0 < end <= MINUTES_PER_DAY:
            errors.append(f"{format_hhmm(start)}-{format_hhmm(end)} is outside the day")
            continue
        if end <= start:
            errors.append(
                f"{format_hhmm(start)}-{format_hhmm(end)} on weekday {weekday} ends before it starts"
                " (split an overnight shift into two windows)"
            )
            continue
        by_day.setdefault(weekday, []).append((start, end))
    for weekday, spans in sorted(by_day.items()):
        spans.sort()
        for (start, end), (next_start, next_end) in itertools.pairwise(spans):
            if next_start < end:
                errors.append(
                    f"{format_hhmm(start)}-{format_hhmm(end)} overlaps "
                    f"{format_hhmm(next_start)}-{format_hhmm(next_end)} on weekday {weekday}"
                )
    if not windows:
        errors.append("a calendar needs at least one working window")
    return errors
