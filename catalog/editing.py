"""Service owners maintain the catalog: services, request types (with their forms) and SLAs.

Each function validates the whole row (``full_clean``, which also checks the model's unique
and check constraints) before saving, so bad input is a ``ValidationError`` (a 400 or a form
error) and nothing is written.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from catalog.errors import InvalidLifecycleMove
from catalog.forms_schema import validate_definition
from catalog.models import Lifecycle, RequestType, Service, ServiceLevel
from sso import permissions


def require_editor(user) -> None:
    if not permissions.can_edit_catalog(user):
        raise PermissionDenied("Only service owners and administrators change the catalog.")


def _save(instance, acting_user):
    instance.full_clean()
    instance._history_user = acting_user
    instance.save()
    return instance


# Lifecycle moves go through catalog.lifecycle.change_lifecycle, acceptance through
# accept_service: neither is a plain field edit.
SERVICE_READ_ONLY = {"lifecycle_state", "lifecycle_changed_at", "manager_accepted_at"}


@transaction.atomic
def save_service(service: Service | None = None, *, acting_user, **values) -> Service:
    """Create (``service=None``, starting as proposed unless design is asked) or change a service.

    Appointing a different service manager withdraws the earlier acceptance."""
    require_editor(acting_user)
    creating = service is None
    service = service or Service()
    initial_state = values.pop("lifecycle_state", None)
    forbidden = SERVICE_READ_ONLY & set(values)
    if forbidden:
        raise ValidationError({name: ["Change this through the lifecycle."] for name in forbidden})
    manager_before = service.service_manager_id
    for name, value in values.items():
        setattr(service, name, value)
    if creating:
        if initial_state not in (None, Lifecycle.PROPOSED, Lifecycle.DESIGN):
            raise ValidationError(
                {"lifecycle_state": ["A new service starts as proposed or design."]}
            )
        service.lifecycle_state = initial_state or Lifecycle.PROPOSED
    elif initial_state not in (None, service.lifecycle_state):
        raise InvalidLifecycleMove(
            "Change the lifecycle state with the lifecycle action, which checks the gate."
        )
    if service.service_manager_id != manager_before:
        service.manager_accepted_at = None
    if service.service_manager_id and service.service_manager.agency_id is not None:
        raise ValidationError({"service_manager": ["The service manager must be provider staff."]})
    if service.has_standard_sop and not (service.sop_document or service.sop_link):
        raise ValidationError(
            {"sop_link": ["A standard SOP needs its document: upload it or give a link."]}
        )
    return _save(service, acting_user)


def _require_open(service: Service) -> None:
    if service.lifecycle_state == Lifecycle.RETIRED:
        raise InvalidLifecycleMove("A retired service is kept as it was; it cannot be changed.")


@transaction.atomic
def save_request_type(
    request_type: RequestType | None = None, *, acting_user, **values
) -> RequestType:
    require_editor(acting_user)
    request_type = request_type or RequestType()
    if "fields" in values:
        values["fields"] = validate_definition(values["fields"])
    if request_type.pk and "service" in values and values["service"] != request_type.service:
        raise ValidationError({"service": ["A request type cannot move to another service."]})
    for name, value in values.items():
        setattr(request_type, name, value)
    if request_type.service_id:
        _require_open(request_type.service)
    return _save(request_type, acting_user)


@transaction.atomic
def save_sla(sla: ServiceLevel | None = None, *, acting_user, **values) -> ServiceLevel:
    require_editor(acting_user)
    sla = sla or ServiceLevel()
    for name, value in values.items():
        setattr(sla, name, value)
    if sla.service_id:
        _require_open(sla.service)
    return _save(sla, acting_user)


@transaction.atomic
def save_slas(service: Service, rows: list[dict], *, acting_user) -> list[ServiceLevel]:
    """Set the service-wide SLA of several priorities at once; all or nothing."""
    require_editor(acting_user)
    existing = {
        sla.priority: sla
        for sla in ServiceLevel.objects.filter(service=service, request_type__isnull=True)
    }
    saved, errors = [], {}
    for row in rows:
        priority = row["priority"]
        try:
            saved.append(
                save_sla(existing.get(priority), acting_user=acting_user, service=service, **row)
            )
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                errors.setdefault(f"P{priority} {field}", []).extend(messages)
    if errors:
        transaction.set_rollback(True)
        raise ValidationError(errors)
    return saved


@transaction.atomic
def delete_sla(sla: ServiceLevel, *, acting_user) -> None:
    require_editor(acting_user)
    if sla.service.lifecycle_state == Lifecycle.LIVE and sla.request_type_id is None:
        raise InvalidLifecycleMove(
            "A live service keeps an SLA for every priority; change the targets instead."
        )
    sla.delete()
