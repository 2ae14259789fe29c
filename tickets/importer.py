"""Import an agency's legacy ticket history from CSV, all or nothing.

Each row goes through the same operations as live tickets (create with ``opened_at``, the
first public reply by provider staff, transitions with ``at``), so the SLA clock treats
imported history exactly as live history. Any row in error rolls the whole file back and
every error is reported with its row number.

Columns (header row required; blank cells are fine where optional):

    agency, service, title                       required (agency and service by code)
    request_type, kind, description, impact, urgency, priority, requester (username or e-mail)
    opened_at                                    required, ISO 8601 with offset
    responded_at, responder                      first public reply and the provider agent who gave it
    resolved_at, closed_at                       resolution, closure
    status                                       final status when not implied (cancelled)
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q

from catalog.models import RequestType, Service
from sso.models import Agency, User
from tickets.conversation import add_comment
from tickets.models import Status
from tickets.workflow import create_ticket, transition

REQUIRED = ("agency", "service", "title", "opened_at")
KNOWN = set(REQUIRED) | {
    "request_type", "kind", "description", "impact", "urgency", "priority", "requester",
    "responded_at", "responder", "resolved_at", "closed_at", "status",
}  # fmt: skip
IMPORTED_REPLY = "(First response imported from the legacy system.)"


class ImportFailed(Exception):
    def __init__(self, errors: list[str]):
        super().__init__(f"{len(errors)} error(s); nothing was imported")
        self.errors = errors


@dataclass
class ImportResult:
    created: list[str] = field(default_factory=list)


def _when(row: dict, name: str) -> datetime | None:
    value = (row.get(name) or "").strip()
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ValidationError(
            {name: [f"{value!r} is not an ISO 8601 time like 2026-03-02T09:15:00-05:00."]}
        ) from None
    if parsed.tzinfo is None:
        raise ValidationError({name: [f"{value!r} needs its UTC offset (e.g. -05:00 or Z)."]})
    return parsed


def _lookup(model, value: str, name: str, **extra):
    value = (value or "").strip()
    if not value:
        return None
    query = Q(code=value) if hasattr(model, "code") else Q(name=value)
    found = model.objects.filter(query, **extra).first()
    if found is None:
        raise ValidationError({name: [f"No {model._meta.verbose_name} {value!r}."]})
    return found


def _person(value: str, name: str) -> User | None:
    value = (value or "").strip()
    if not value:
        return None
    found = User.objects.filter(Q(username=value) | Q(email__iexact=value)).first()
    if found is None:
        raise ValidationError({name: [f"No user {value!r}."]})
    return found


def _import_row(row: dict, *, acting_user: User) -> str:
    missing = [name for name in REQUIRED if not (row.get(name) or "").strip()]
    if missing:
        raise ValidationError({name: ["This column is required."] for name in missing})
    agency = _lookup(Agency, row["agency"], "agency")
    service = _lookup(Service, row["service"], "service")
    request_type = (
        _lookup(RequestType, row.get("request_type"), "request_type", service=service)
        if row.get("request_type")
        else None
    )
    responder = _person(row.get("responder"), "responder")
    if responder is not None and responder.agency_id is not None:
        raise ValidationError({"responder": ["The first response must come from provider staff."]})
    responded_at, resolved_at, closed_at = (
        _when(row, n) for n in ("responded_at", "resolved_at", "closed_at")
    )
    status = (row.get("status") or "").strip()
    if status and status not in (
        Status.CANCELLED,
        Status.CLOSED,
        Status.RESOLVED,
        Status.IN_PROGRESS,
        Status.NEW,
    ):
        raise ValidationError({"status": [f"{status!r} cannot be imported as a final status."]})
    ticket = create_ticket(
        acting_user=acting_user,
        agency=agency,
        service=service,
        request_type=request_type,
        requester=_person(row.get("requester"), "requester"),
        kind=(row.get("kind") or "").strip() or None,
        title=row.get("title"),
        description=row.get("description") or "",
        impact=row.get("impact") or None,
        urgency=row.get("urgency") or None,
        priority=row.get("priority") or None,
        opened_at=_when(row, "opened_at"),
    )
    if responded_at:
        if responder is None:
            raise ValidationError(
                {"responder": ["Say which provider agent gave the first response."]}
            )
        add_comment(
            ticket,
            acting_user=acting_user,
            author=responder,
            body=IMPORTED_REPLY,
            created_at=responded_at,
        )
    if status == Status.CANCELLED:
        transition(
            ticket, Status.CANCELLED, acting_user=acting_user, at=closed_at, note="Imported."
        )
        return ticket.number
    if resolved_at:
        transition(
            ticket, Status.RESOLVED, acting_user=acting_user, at=resolved_at, note="Imported."
        )
        if closed_at or status == Status.CLOSED:
            transition(
                ticket,
                Status.CLOSED,
                acting_user=acting_user,
                at=closed_at or resolved_at,
                note="Imported.",
            )
    elif closed_at or status in (Status.CLOSED, Status.RESOLVED):
        raise ValidationError({"resolved_at": ["A closed or resolved ticket needs resolved_at."]})
    elif status == Status.IN_PROGRESS:
        transition(
            ticket, Status.IN_PROGRESS, acting_user=acting_user, at=responded_at, note="Imported."
        )
    return ticket.number


def import_csv(stream, *, acting_user: User) -> ImportResult:
    """Import every row or none; raise ImportFailed listing each bad row."""
    reader = csv.DictReader(stream)
    header = set(reader.fieldnames or [])
    if not header:
        raise ImportFailed(["The file is empty or has no header row."])
    errors = [f"unknown column {name!r}" for name in sorted(header - KNOWN)]
    errors += [f"missing column {name!r}" for name in REQUIRED if name not in header]
    if errors:
        raise ImportFailed(errors)
    result = ImportResult()
    with transaction.atomic():
        for number, row in enumerate(reader, start=2):  # row 1 is the header
            try:
                with transaction.atomic():  # a savepoint: keep checking the other rows
                    result.created.append(_import_row(row, acting_user=acting_user))
            except ValidationError as exc:
                details = exc.message_dict if hasattr(exc, "error_dict") else {"row": exc.messages}
                errors += [
                    f"row {number}: {name}: {' '.join(msgs)}" for name, msgs in details.items()
                ]
            except PermissionDenied as exc:
                errors.append(f"row {number}: {exc}")
            except Exception as exc:  # a conflict (e.g. a retired service) is a row error too
                errors.append(f"row {number}: {getattr(exc, 'detail', None) or exc}")
        if errors:
            transaction.set_rollback(True)
    if errors:
        raise ImportFailed(errors)
    return result
