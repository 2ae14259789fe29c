"""Business calendars: create and change them with their working windows and holidays.

``hours`` are ``[{"weekday": 0-6, "start": "08:00", "end": "17:00"}]`` (several windows a day
allowed, "24:00" may end one); ``holidays`` are ``[{"date": date or "2026-12-25", "name"}]``.
Everything is validated before anything is written, and written in one transaction.
"""

from datetime import date
from zoneinfo import available_timezones

import holidays as holiday_data
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from simple_history.utils import bulk_create_with_history

from catalog.business_time import parse_hhmm, validate_windows
from catalog.models import BusinessCalendar, Holiday, WorkingHours
from sso import permissions

MAX_IMPORT_YEARS = 10


def _require_editor(user) -> None:
    if not permissions.can_edit_catalog(user):
        raise PermissionDenied("Only service owners and administrators change calendars.")


def validate_timezone(name) -> str:
    if not isinstance(name, str) or name not in _timezones():
        raise ValidationError({"timezone": [f"{name!r} is not a known IANA time zone."]})
    return name


_TIMEZONES: set[str] = set()


def _timezones() -> set[str]:
    if not _TIMEZONES:
        _TIMEZONES.update(available_timezones())
    return _TIMEZONES


def clean_hours(hours) -> list[tuple[int, int, int]]:
    """``[{"weekday", "start", "end"}]`` -> ``[(weekday, start_minute, end_minute)]`` or 400."""
    if not isinstance(hours, list):
        raise ValidationError({"hours": ["Hours must be a list of {weekday, start, end}."]})
    errors, windows = [], []
    for index, row in enumerate(hours, start=1):
        if not isinstance(row, dict):
            errors.append(f"Window {index} must be an object with weekday, start and end.")
            continue
        weekday = row.get("weekday")
        if isinstance(weekday, bool) or not isinstance(weekday, int):
            errors.append(f"Window {index}: weekday must be a number 0 (Monday) to 6 (Sunday).")
            continue
        try:
            start = parse_hhmm(row.get("start"))
            end = parse_hhmm(row.get("end"), allow_24=True)
        except ValueError as exc:
            errors.append(f"Window {index}: {exc}.")
            continue
        windows.append((weekday, start, end))
    if errors:
        raise ValidationError({"hours": errors})
    problems = validate_windows(windows)
    if problems:
        raise ValidationError({"hours": [p[0].upper() + p[1:] + "." for p in problems]})
    return windows


def clean_holidays(rows) -> list[tuple[date, str]]:
    if not isinstance(rows, list):
        raise ValidationError({"holidays": ["Holidays must be a list of {date, name}."]})
    errors, seen, cleaned = [], set(), []
    for index, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            errors.append(f"Holiday {index} must be an object with date and name.")
            continue
        value = row.get("date")
        try:
            day = value if isinstance(value, date) else date.fromisoformat(str(value))
        except ValueError:
            errors.append(f"Holiday {index}: {value!r} is not a date like 2026-12-25.")
            continue
        name = str(row.get("name") or "").strip()
        if not name:
            errors.append(f"Holiday {index} ({day}) needs a name.")
            continue
        if len(name) > 120:
            errors.append(f"Holiday {index}: the name is longer than 120 characters.")
            continue
        if day in seen:
            errors.append(f"{day} appears twice.")
            continue
        seen.add(day)
        cleaned.append((day, name))
    if errors:
        raise ValidationError({"holidays": errors})
    return cleaned


@transaction.atomic
def save_calendar(
    calendar: BusinessCalendar | None = None,
    *,
    acting_user,
    hours=None,
    holidays=None,
    **values,
) -> BusinessCalendar:
    """Create (``calendar=None``) or change a calendar. ``hours``/``holidays`` given replace
    the calendar's; omitted keep them. A new calendar needs hours."""
    _require_editor(acting_user)
    calendar = calendar or BusinessCalendar()
    if calendar.pk is None and hours is None:
        raise ValidationError({"hours": ["A calendar needs at least one working window."]})
    errors = {}
    if "timezone" in values:
        try:
            validate_timezone(values["timezone"])
        except ValidationError as exc:
            errors.update(exc.message_dict)
    windows = days = None
    for key, cleaner, raw in (
        ("hours", clean_hours, hours),
        ("holidays", clean_holidays, holidays),
    ):
        if raw is None:
            continue
        try:
            result = cleaner(raw)
        except ValidationError as exc:
            errors.update(exc.message_dict)
            continue
        if key == "hours":
            windows = result
        else:
            days = result
    for name, value in values.items():
        setattr(calendar, name, value)
    try:
        calendar.full_clean()
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    calendar._history_user = acting_user
    calendar.save()
    if windows is not None:
        calendar.hours.all().delete()
        bulk_create_with_history(
            [
                WorkingHours(calendar=calendar, weekday=d, start_minute=s, end_minute=e)
                for d, s, e in windows
            ],
            WorkingHours,
            default_user=acting_user,
        )
    if days is not None:
        calendar.holidays.all().delete()
        bulk_create_with_history(
            [Holiday(calendar=calendar, date=d, name=n) for d, n in days],
            Holiday,
            default_user=acting_user,
        )
    return calendar


def holidays_for(country: str, subdivision: str | None, year_from: int, year_to: int):
    """Public holidays from the ``holidays`` package: ``[(date, name)]`` or a 400."""
    errors = {}
    if not isinstance(year_from, int) or not isinstance(year_to, int) or year_to < year_from:
        errors["year_to"] = ["The year range must run forwards (e.g. 2026 to 2027)."]
    elif year_to - year_from + 1 > MAX_IMPORT_YEARS:
        errors["year_to"] = [f"Import at most {MAX_IMPORT_YEARS} years at a time."]
    elif not 1900 <= year_from <= 2200:
        errors["year_from"] = ["Choose a year between 1900 and 2200."]
    supported = holiday_data.list_supported_countries()
    country = (country or "").upper()
    if country not in supported:
        errors["country"] = [f"{country or 'That'} is not a country code the holidays data knows."]
    elif subdivision and subdivision not in supported[country]:
        errors["subdivision"] = [
            f"{subdivision} is not a subdivision of {country} "
            f"(known: {', '.join(supported[country][:12])}…)."
        ]
    if errors:
        raise ValidationError(errors)
    found = holiday_data.country_holidays(
        country, subdiv=subdivision or None, years=range(year_from, year_to + 1)
    )
    return sorted((day, name[:120]) for day, name in found.items())


@transaction.atomic
def import_holidays(
    calendar: BusinessCalendar,
    *,
    country: str,
    subdivision: str | None = None,
    year_from: int,
    year_to: int,
    acting_user,
) -> int:
    """Add a country's (and subdivision's) public holidays; dates already there are kept.

    Returns how many holidays were added."""
    _require_editor(acting_user)
    found = holidays_for(country, subdivision, year_from, year_to)
    existing = set(calendar.holidays.values_list("date", flat=True))
    new = [Holiday(calendar=calendar, date=d, name=n) for d, n in found if d not in existing]
    bulk_create_with_history(new, Holiday, default_user=acting_user)
    return len(new)


def hours_as_rows(calendar: BusinessCalendar) -> list[dict]:
    from catalog.business_time import format_hhmm

    return [
        {
            "weekday": h.weekday,
            "start": format_hhmm(h.start_minute),
            "end": format_hhmm(h.end_minute),
        }
        for h in calendar.hours.all()
    ]
