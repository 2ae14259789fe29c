"""Catalog facts in plain words, for service pages and the API's ``summary`` fields."""

from itertools import groupby

from catalog.business_time import format_hhmm

DAY_NAMES = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
PRIORITY_NAMES = {1: "P1 critical", 2: "P2 high", 3: "P3 medium", 4: "P4 low"}


def duration_in_words(minutes: int) -> str:
    """240 -> '4 business hours', 90 -> '1 hour 30 minutes' of business time."""
    hours, rest = divmod(int(minutes), 60)
    if hours and not rest:
        return f"{hours} business hour{'s' if hours != 1 else ''}"
    if not hours:
        return f"{rest} business minute{'s' if rest != 1 else ''}"
    return f"{hours} h {rest} min of business time"


def sla_in_words(sla) -> str:
    return (
        f"first response within {duration_in_words(sla.response_minutes)}, "
        f"resolved within {duration_in_words(sla.resolution_minutes)}"
    )


def hours_in_words(hours) -> str:
    """Working windows (prefetched rows) -> 'Mon-Fri 09:00-17:00; Sat 10:00-14:00'."""
    by_day: dict[int, tuple] = {}
    for row in hours:
        by_day.setdefault(row.weekday, ())
        by_day[row.weekday] += ((row.start_minute, row.end_minute),)
    if not by_day:
        return "no working hours"
    if len(by_day) == 7 and all(spans == ((0, 1440),) for spans in by_day.values()):
        return "24 hours a day, 7 days a week"
    parts = []
    days = sorted(by_day)
    # Group consecutive weekdays that share the same windows.
    runs = []
    for _, group in groupby(enumerate(days), key=lambda pair: (pair[1] - pair[0], by_day[pair[1]])):
        runs.append([day for _, day in group])
    for run in runs:
        label = DAY_NAMES[run[0]] if len(run) == 1 else f"{DAY_NAMES[run[0]]}-{DAY_NAMES[run[-1]]}"
        spans = ", ".join(f"{format_hhmm(s)}-{format_hhmm(e)}" for s, e in by_day[run[0]])
        parts.append(f"{label} {spans}")
    return "; ".join(parts)
