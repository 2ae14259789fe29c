"""Request-type forms: the definition a service owner writes, and the values a requester sends.

One module validates both, so the browser form, the API and the CSV import agree on what a
valid ticket is. A definition is a list of fields:

    {"name": "cost_center", "label": "Cost center", "type": "text" | "number" | "date" |
     "choice" | "boolean", "required": bool, "choices": [...] (choice only), "help_text": str}
"""

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError

FIELD_TYPES = ("text", "number", "date", "choice", "boolean")
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,49}$")
MAX_FIELDS = 40
MAX_TEXT_LENGTH = 5000
ALLOWED_KEYS = {"name", "label", "type", "required", "choices", "help_text"}


def validate_definition(fields) -> list[dict]:
    """Return the normalised definition, or raise ValidationError({"fields": [...]})."""
    errors: list[str] = []
    if not isinstance(fields, list):
        raise ValidationError({"fields": ["The form must be a list of fields."]})
    if len(fields) > MAX_FIELDS:
        raise ValidationError({"fields": [f"A form may have at most {MAX_FIELDS} fields."]})
    seen: set[str] = set()
    normalised = []
    for index, field in enumerate(fields, start=1):
        where = f"Field {index}"
        if not isinstance(field, dict):
            errors.append(f"{where} must be an object with name, label and type.")
            continue
        unknown = set(field) - ALLOWED_KEYS
        if unknown:
            errors.append(f"{where} has unknown keys: {', '.join(sorted(unknown))}.")
        name = field.get("name")
        if not isinstance(name, str) or not NAME_PATTERN.match(name):
            errors.append(
                f"{where}: name must be lower_case letters, digits and underscores, starting with a letter."
            )
            continue
        where = f"Field '{name}'"
        if name in seen:
            errors.append(f"{where} appears twice.")
        seen.add(name)
        field_type = field.get("type")
        if field_type not in FIELD_TYPES:
            errors.append(f"{where}: type must be one of {', '.join(FIELD_TYPES)}.")
            continue
        label = field.get("label") or name.replace("_", " ").capitalize()
        if not isinstance(label, str):
            errors.append(f"{where}: label must be text.")
            continue
        required = field.get("required", False)
        if not isinstance(required, bool):
            errors.append(f"{where}: required must be true or false.")
            continue
        choices = field.get("choices") or []
        if field_type == "choice":
            if (
                not isinstance(choices, list)
                or not choices
                or not all(isinstance(c, str) and c for c in choices)
            ):
                errors.append(f"{where}: a choice field needs a non-empty list of text choices.")
                continue
            if len(set(choices)) != len(choices):
                errors.append(f"{where}: choices must be distinct.")
                continue
        elif choices:
            errors.append(f"{where}: only choice fields take choices.")
            continue
        help_text = field.get("help_text", "")
        if not isinstance(help_text, str):
            errors.append(f"{where}: help_text must be text.")
            continue
        entry = {"name": name, "label": label, "type": field_type, "required": required}
        if field_type == "choice":
            entry["choices"] = list(choices)
        if help_text:
            entry["help_text"] = help_text
        normalised.append(entry)
    if errors:
        raise ValidationError({"fields": errors})
    return normalised


def _clean_value(field: dict, value):
    field_type = field["type"]
    if field_type == "text":
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            raise ValueError("must be text")
        text = str(value).strip()
        if len(text) > MAX_TEXT_LENGTH:
            raise ValueError(f"must be at most {MAX_TEXT_LENGTH} characters")
        return text
    if field_type == "number":
        if isinstance(value, bool):
            raise ValueError("must be a number")
        try:
            number = Decimal(str(value).strip())
        except (InvalidOperation, ValueError):
            raise ValueError("must be a number") from None
        if not number.is_finite():
            raise ValueError("must be a number")
        return int(number) if number == number.to_integral_value() else float(number)
    if field_type == "date":
        if isinstance(value, date):
            return value.isoformat()
        try:
            return date.fromisoformat(str(value).strip()).isoformat()
        except ValueError:
            raise ValueError("must be a date like 2026-12-31") from None
    if field_type == "choice":
        if value not in field["choices"]:
            raise ValueError(f"must be one of: {', '.join(field['choices'])}")
        return value
    if field_type == "boolean":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in ("true", "1", "yes", "on"):
            return True
        if text in ("false", "0", "no", "off", ""):
            return False
        raise ValueError("must be true or false")
    raise ValueError("has an unknown type")  # pragma: no cover - definitions are validated


def _is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def validate_values(definition: list[dict], values) -> dict:
    """Clean the values a requester sent against the form; raise ValidationError({"fields": {name: [msg]}})."""
    if values is None:
        values = {}
    if not isinstance(values, dict):
        raise ValidationError({"fields": ["Field values must be an object of name: value."]})
    errors: dict[str, list[str]] = {}
    cleaned = {}
    known = {field["name"] for field in definition}
    for name in values:
        if name not in known:
            errors.setdefault(name, []).append("is not a field of this request type")
    for field in definition:
        name = field["name"]
        value = values.get(name)
        if _is_blank(value):
            if field["type"] == "boolean" and not field.get("required"):
                if name in values:
                    cleaned[name] = False  # an unticked box
                continue
            if field.get("required"):
                errors.setdefault(name, []).append(f"{field['label']} is required")
            continue
        try:
            cleaned[name] = _clean_value(field, value)
        except ValueError as exc:
            errors.setdefault(name, []).append(f"{field['label']} {exc}")
    if errors:
        raise ValidationError(
            {"fields": [f"{name}: {'; '.join(msgs)}" for name, msgs in errors.items()]}
        )
    return cleaned
