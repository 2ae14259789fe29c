"""Impact x urgency -> priority, through a matrix administrators may change.

Impact and urgency run 1 (high) to 3 (low); priority 1 (highest) to 4. Rows in
``PriorityMatrixEntry`` override the default cell by cell.
"""

from django.core.exceptions import ValidationError

from tickets.models import PriorityMatrixEntry

# (impact, urgency) -> priority; the usual ITIL table squeezed to four priorities.
DEFAULT = {
    (1, 1): 1,
    (1, 2): 2,
    (2, 1): 2,
    (1, 3): 3,
    (2, 2): 3,
    (3, 1): 3,
    (2, 3): 4,
    (3, 2): 4,
    (3, 3): 4,
}


def clean_level(value, field: str) -> int:
    if isinstance(value, bool):
        value = None
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = None
    if number is None or number not in (1, 2, 3) or str(value).strip() not in ("1", "2", "3"):
        raise ValidationError({field: [f"{field.capitalize()} must be 1, 2 or 3 (1 is highest)."]})
    return number


def clean_priority(value, field: str = "priority") -> int:
    if isinstance(value, bool) or str(value).strip() not in ("1", "2", "3", "4"):
        raise ValidationError({field: ["Priority must be 1, 2, 3 or 4 (1 is highest)."]})
    return int(value)


def priority_for(impact: int, urgency: int) -> int:
    entry = PriorityMatrixEntry.objects.filter(impact=impact, urgency=urgency).first()
    return entry.priority if entry else DEFAULT[(impact, urgency)]
