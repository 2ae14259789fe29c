"""The business-time engine: properties over random calendars, and hand-worked cases."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalog.business_time import (
    CalendarError,
    CalendarSpec,
    add_business_time,
    business_minutes_between,
    is_business_time,
    parse_hhmm,
    validate_windows,
)

NY = ZoneInfo("America/New_York")
OFFICE = CalendarSpec("America/New_York", dict.fromkeys(range(5), ((9 * 60, 17 * 60),)))


def local(*args, tz=NY):
    return datetime(*args, tzinfo=tz)


# --- strategies -----------------------------------------------------------------------------


@st.composite
def calendars(draw):
    timezone = draw(
        st.sampled_from(
            ["America/New_York", "America/Chicago", "America/Los_Angeles", "Europe/London", "UTC"]
        )
    )
    windows = {}
    for day in range(7):
        cuts = sorted(draw(st.sets(st.integers(0, 48).map(lambda half: half * 30), max_size=4)))
        spans = tuple((a, b) for a, b in zip(cuts[::2], cuts[1::2], strict=False) if b > a)
        if spans:
            windows[day] = spans
    if not windows:
        windows[draw(st.integers(0, 6))] = ((9 * 60, 17 * 60),)
    holidays = frozenset(draw(st.sets(st.dates(date(2026, 1, 1), date(2027, 12, 31)), max_size=15)))
    return CalendarSpec(timezone, windows, holidays)


instants = st.datetimes(
    min_value=datetime(2026, 1, 1), max_value=datetime(2027, 6, 30), timezones=st.just(UTC)
)


# --- properties ---------------------------------------------------------------------------


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(calendars(), instants, st.integers(0, 20_000))
def test_adding_then_measuring_gives_back_the_minutes(spec, start, minutes):
    end = add_business_time(spec, start, minutes)
    assert end >= start
    assert end.tzinfo == UTC
    assert business_minutes_between(spec, start, end) == minutes


@settings(max_examples=100, deadline=None)
@given(calendars(), instants, st.integers(0, 5_000), st.integers(0, 5_000))
def test_results_are_monotonic(spec, start, a, b):
    low, high = sorted((a, b))
    assert add_business_time(spec, start, low) <= add_business_time(spec, start, high)


@settings(max_examples=100, deadline=None)
@given(calendars(), instants, instants, instants)
def test_measuring_is_additive_and_monotonic(spec, a, b, c):
    a, b, c = sorted((a, b, c))
    ab = business_minutes_between(spec, a, b)
    bc = business_minutes_between(spec, b, c)
    ac = business_minutes_between(spec, a, c)
    assert 0 <= ab <= ac
    # Whole minutes: the parts may lose up to a minute of rounding between them.
    assert ab + bc <= ac <= ab + bc + 1
    assert business_minutes_between(spec, c, a) == -ac


@settings(max_examples=60, deadline=None)
@given(calendars(), instants, st.integers(1, 3000))
def test_the_deadline_is_inside_working_time(spec, start, minutes):
    end = add_business_time(spec, start, minutes)
    # The last business minute before the deadline is business time.
    assert is_business_time(spec, end - timedelta(seconds=30))


# --- the worked example (issue 3) ------------------------------------------------------------


def test_friday_afternoon_plus_four_business_hours_is_monday_late_morning():
    opened = local(2026, 10, 2, 15, 0)  # a Friday
    assert add_business_time(OFFICE, opened, 240) == local(2026, 10, 5, 11, 0)
    assert add_business_time(OFFICE, opened, 960) == local(2026, 10, 6, 15, 0)
    assert business_minutes_between(OFFICE, opened, local(2026, 10, 6, 15, 0)) == 960


def test_works_from_the_database_calendar(db):
    from tests.factories import make_calendar

    calendar = make_calendar()
    opened = local(2026, 10, 2, 15, 0)
    assert add_business_time(calendar, opened, 240) == local(2026, 10, 5, 11, 0)


# --- daylight saving (America/New_York: 2026-03-08 spring forward, 2026-11-01 fall back) ----


def test_office_hours_are_eight_real_hours_on_both_sides_of_spring_forward():
    friday = local(2026, 3, 6, 13, 0)  # EST
    due = add_business_time(OFFICE, friday, 480)
    assert due == local(2026, 3, 9, 13, 0)  # EDT
    assert due.utcoffset() == timedelta(0)
    assert due == datetime(2026, 3, 9, 17, 0, tzinfo=UTC)
    assert business_minutes_between(OFFICE, friday, due) == 480


def test_office_hours_across_fall_back():
    friday = local(2026, 10, 30, 16, 0)  # EDT
    due = add_business_time(OFFICE, friday, 120)
    assert due == local(2026, 11, 2, 10, 0)  # EST
    assert due == datetime(2026, 11, 2, 15, 0, tzinfo=UTC)


def test_24x7_day_of_spring_forward_has_23_hours():
    always = CalendarSpec.always_open("America/New_York")
    start = local(2026, 3, 8, 0, 0)
    end = local(2026, 3, 9, 0, 0)
    assert business_minutes_between(always, start, end) == 23 * 60
    assert add_business_time(always, start, 23 * 60) == end


def test_24x7_day_of_fall_back_has_25_hours():
    always = CalendarSpec.always_open("America/New_York")
    start = local(2026, 11, 1, 0, 0)
    end = local(2026, 11, 2, 0, 0)
    assert business_minutes_between(always, start, end) == 25 * 60
    assert add_business_time(always, start, 25 * 60) == end


def test_a_window_inside_the_skipped_hour_is_empty_and_does_not_double_count():
    # Sunday 2026-03-08: 02:00-03:00 does not exist in New York.
    spec = CalendarSpec("America/New_York", {6: ((120, 165), (180, 240))})
    day_start, day_end = local(2026, 3, 8, 0, 0), local(2026, 3, 9, 0, 0)
    assert business_minutes_between(spec, day_start, day_end) == 60
    assert add_business_time(spec, day_start, 60) == local(2026, 3, 8, 4, 0)


def test_window_over_the_repeated_hour_counts_real_time():
    # Sunday 2026-11-01 01:00-03:00 wall clock is three real hours (01:00-02:00 happens twice).
    spec = CalendarSpec("America/New_York", {6: ((60, 180),)})
    start = local(2026, 11, 1, 0, 0)
    assert business_minutes_between(spec, start, local(2026, 11, 2, 0, 0)) == 180


# --- holidays, weekends, starts outside hours, split windows ---------------------------------


def test_holiday_is_skipped():
    spec = CalendarSpec(OFFICE.timezone, OFFICE.windows, frozenset({date(2026, 12, 25)}))
    opened = local(2026, 12, 24, 16, 0)  # Thursday before Christmas
    assert add_business_time(spec, opened, 120) == local(2026, 12, 28, 10, 0)


def test_weekend_start_begins_monday_morning():
    assert add_business_time(OFFICE, local(2026, 10, 3, 12, 0), 30) == local(2026, 10, 5, 9, 30)


def test_start_before_hours_and_after_hours():
    assert add_business_time(OFFICE, local(2026, 10, 5, 6, 0), 60) == local(2026, 10, 5, 10, 0)
    assert add_business_time(OFFICE, local(2026, 10, 5, 20, 0), 60) == local(2026, 10, 6, 10, 0)
    assert business_minutes_between(OFFICE, local(2026, 10, 5, 18), local(2026, 10, 6, 8)) == 0


def test_split_windows_skip_lunch():
    spec = CalendarSpec("America/New_York", {0: ((9 * 60, 12 * 60), (13 * 60, 17 * 60))})
    assert add_business_time(spec, local(2026, 10, 5, 11, 0), 120) == local(2026, 10, 5, 14, 0)


def test_window_ending_at_midnight_continues_into_the_next_day():
    spec = CalendarSpec("UTC", {0: ((22 * 60, 1440),), 1: ((0, 2 * 60),)})
    start = datetime(2026, 10, 5, 23, 0, tzinfo=UTC)
    assert add_business_time(spec, start, 120) == datetime(2026, 10, 6, 1, 0, tzinfo=UTC)


def test_zero_minutes_is_the_start_even_outside_hours():
    start = local(2026, 10, 3, 12, 0)
    assert add_business_time(OFFICE, start, 0) == start


def test_naive_datetimes_and_negative_minutes_are_refused():
    with pytest.raises(ValueError, match="aware"):
        add_business_time(OFFICE, datetime(2026, 10, 5, 9), 10)
    with pytest.raises(ValueError, match="negative"):
        add_business_time(OFFICE, local(2026, 10, 5, 9), -1)


def test_a_calendar_with_no_hours_or_only_holidays_is_an_error_not_a_hang():
    with pytest.raises(CalendarError):
        add_business_time(CalendarSpec("UTC", {}), local(2026, 10, 5, 9), 10)
    every_day = frozenset(date(2026, 1, 1) + timedelta(days=n) for n in range(4 * 366))
    spec = CalendarSpec("UTC", {0: ((0, 60),)}, every_day)
    with pytest.raises(CalendarError):
        add_business_time(spec, local(2026, 1, 1, 9), 10)


def test_window_validation_messages():
    assert validate_windows([]) == ["a calendar needs at least one working window"]
    assert "ends before it starts" in validate_windows([(0, 600, 540)])[0]
    assert "overlaps" in validate_windows([(0, 540, 720), (0, 700, 800)])[0]
    assert validate_windows([(0, 540, 720), (0, 720, 1440)]) == []
    assert parse_hhmm("24:00", allow_24=True) == 1440
    with pytest.raises(ValueError):
        parse_hhmm("24:00")
    with pytest.raises(ValueError):
        parse_hhmm("9am")
