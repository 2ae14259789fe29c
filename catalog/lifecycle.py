"""A service's lifecycle and the go-live gate (seed 004: service transition).

    proposed -> design -> transition -> live -> retired
    (design -> proposed and transition -> design step back; anything not live may be
    retired; retired is final)

Moving to ``live`` needs the transition checklist complete: a resolver team, an SLA for
every priority, a service-desk knowledge article, support hours (a calendar with working
hours), the service manager's acceptance, and every checklist item (built from the active
template items) signed off by its appointed approver. ``gate_status(service)`` lists what
is missing; ``change_lifecycle`` refuses with ``GoLiveBlocked(missing=[...])``.

``require_live(service)`` is what tickets and subscriptions call before taking new work.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from catalog.errors import GoLiveBlocked, InvalidLifecycleMove, ServiceNotLive
from catalog.models import (
    Article,
    ChecklistItem,
    ChecklistTemplateItem,
    Lifecycle,
    Service,
    ServiceLevel,
)
from sso import permissions

PRIORITIES = (1, 2, 3, 4)

ALLOWED_MOVES: dict[str, tuple[str, ...]] = {
    Lifecycle.PROPOSED: (Lifecycle.DESIGN, Lifecycle.RETIRED),
    Lifecycle.DESIGN: (Lifecycle.TRANSITION, Lifecycle.PROPOSED, Lifecycle.RETIRED),
    Lifecycle.TRANSITION: (Lifecycle.LIVE, Lifecycle.DESIGN, Lifecycle.RETIRED),
    Lifecycle.LIVE: (Lifecycle.RETIRED,),
    Lifecycle.RETIRED: (),
}


def allowed_moves(service: Service) -> tuple[str, ...]:
    return ALLOWED_MOVES.get(service.lifecycle_state, ())


def require_live(service: Service) -> None:
    """Raise ``ServiceNotLive`` (409 in the API) unless the service takes new work."""
    if service.lifecycle_state != Lifecycle.LIVE:
        raise ServiceNotLive(
            f"{service.name} is {service.get_lifecycle_state_display().lower()}: "
            "only live services take new tickets and subscriptions.",
            lifecycle_state=service.lifecycle_state,
        )


@dataclass(frozen=True)
class GateCheck:
    key: str
    label: str
    met: bool
    missing: str = ""  # what to do, when not met


def gate_checks(service: Service) -> list[GateCheck]:
    """Every condition of the go-live gate, met or not, in the order a checklist reads."""
    checks = []
    checks.append(
        GateCheck(
            "resolver_team",
            "Resolver team",
            service.owner_team_id is not None,
            "Resolver team: choose the team that resolves this service's tickets.",
        )
    )
    defined = set(
        ServiceLevel.objects.filter(service=service, request_type__isnull=True).values_list(
            "priority", flat=True
        )
    )
    absent = [p for p in PRIORITIES if p not in defined]
    checks.append(
        GateCheck(
            "slas",
            "SLA for every priority",
            not absent,
            "SLA: define response and resolution targets for priority "
            + ", ".join(f"P{p}" for p in absent)
            + ".",
        )
    )
    has_article = Article.objects.filter(service=service, is_service_desk_document=True).exists()
    checks.append(
        GateCheck(
            "knowledge",
            "Service-desk knowledge article",
            has_article,
            "Knowledge: write at least one service-desk knowledge article.",
        )
    )
    calendar_ok = service.calendar_id is not None and service.calendar.hours.exists()
    checks.append(
        GateCheck(
            "support_hours",
            "Support hours (calendar)",
            calendar_ok,
            "Support hours: choose a business calendar with working hours."
            if service.calendar_id is None
            else "Support hours: the calendar has no working hours.",
        )
    )
    if service.service_manager_id is None:
        manager_missing = "Service manager: appoint a service manager, who must then accept."
    else:
        manager_missing = (
            f"Service manager: {service.service_manager.get_full_name() or service.service_manager}"
            " has not accepted the service."
        )
    checks.append(
        GateCheck(
            "manager_acceptance",
            "Service manager's acceptance",
            service.service_manager_id is not None and service.manager_accepted_at is not None,
            manager_missing,
        )
    )
    items = list(service.checklist_items.select_related("approver"))
    names = {item.name for item in items}
    for template in ChecklistTemplateItem.objects.filter(is_active=True):
        if template.name not in names:
            checks.append(
                GateCheck(
                    f"checklist:{template.name}",
                    template.name,
                    False,
                    f"Checklist: '{template.name}' is not on this service's checklist yet.",
                )
            )
    for item in items:
        if item.signed_off_at:
            missing = ""
        elif item.approver_id is None:
            missing = f"Checklist: '{item.name}' has no appointed approver."
        else:
            missing = (
                f"Checklist: '{item.name}' awaits sign-off by "
                f"{item.approver.get_full_name() or item.approver}."
            )
        checks.append(
            GateCheck(f"checklist:{item.name}", item.name, bool(item.signed_off_at), missing)
        )
    return checks


def gate_status(service: Service) -> list[str]:
    """What is missing before ``service`` may go live (empty when the gate is met)."""
    return [check.missing for check in gate_checks(service) if not check.met]


def _require_editor(user) -> None:
    if not permissions.can_edit_catalog(user):
        raise PermissionDenied("Only service owners and administrators change the catalog.")


def ensure_checklist(service: Service) -> list[ChecklistItem]:
    """Add the active template items the service's checklist lacks (idempotent)."""
    existing = set(service.checklist_items.values_list("name", flat=True))
    created = []
    for template in ChecklistTemplateItem.objects.filter(is_active=True):
        if template.name in existing:
            continue
        created.append(
            ChecklistItem.objects.create(
                service=service,
                template=template,
                name=template.name,
                approver=template.default_approver,
            )
        )
    return created


@transaction.atomic
def change_lifecycle(service: Service, state: str, *, acting_user) -> Service:
    _require_editor(acting_user)
    if state not in Lifecycle.values:
        raise ValidationError({"state": [f"Choose one of: {', '.join(Lifecycle.values)}."]})
    service = Service.objects.select_for_update().get(pk=service.pk)
    current = service.lifecycle_state
    if state == current:
        return service
    if state not in ALLOWED_MOVES[current]:
        allowed = list(ALLOWED_MOVES[current])
        raise InvalidLifecycleMove(
            f"A {current} service cannot move to {state}"
            + (f"; it can move to {', '.join(allowed)}." if allowed else "; retired is final."),
            allowed=allowed,
        )
    if state == Lifecycle.TRANSITION:
        ensure_checklist(service)
    if state == Lifecycle.LIVE:
        missing = gate_status(service)
        if missing:
            raise GoLiveBlocked(
                f"{service.name} cannot go live: the transition checklist is incomplete.",
                missing=missing,
            )
    service.lifecycle_state = state
    service.lifecycle_changed_at = timezone.now()
    service._history_user = acting_user
    service.save(update_fields=["lifecycle_state", "lifecycle_changed_at", "updated_at"])
    return service


@transaction.atomic
def accept_service(service: Service, *, acting_user) -> Service:
    """The appointed service manager accepts responsibility for running the service."""
    if service.service_manager_id is None or service.service_manager_id != acting_user.pk:
        raise PermissionDenied("Only the service's appointed service manager can accept it.")
    if service.lifecycle_state in (Lifecycle.LIVE, Lifecycle.RETIRED):
        raise InvalidLifecycleMove("Acceptance is part of the transition to live.")
    service.manager_accepted_at = timezone.now()
    service._history_user = acting_user
    service.save(update_fields=["manager_accepted_at", "updated_at"])
    return service


@transaction.atomic
def sign_off(item: ChecklistItem, *, acting_user, note: str = "") -> ChecklistItem:
    """The appointed approver signs off one deliverable; nobody else can, not even an admin."""
    item = ChecklistItem.objects.select_for_update().get(pk=item.pk)
    if item.approver_id is None or item.approver_id != acting_user.pk:
        raise PermissionDenied("Only the appointed approver can sign off this item.")
    if item.signed_off_at:
        raise InvalidLifecycleMove("This item is already signed off.")
    item.signed_off_by = acting_user
    item.signed_off_at = timezone.now()
    item.note = note[:500]
    item._history_user = acting_user
    item.save()
    return item


@transaction.atomic
def save_checklist_item(
    item: ChecklistItem | None = None, *, acting_user, **values
) -> ChecklistItem:
    """Add or change a checklist item. Changing the approver clears an earlier sign-off."""
    _require_editor(acting_user)
    item = item or ChecklistItem()
    approver_before = item.approver_id
    for name, value in values.items():
        setattr(item, name, value)
    if item.pk and item.approver_id != approver_before:
        item.signed_off_by = None
        item.signed_off_at = None
    if item.service_id and item.service.lifecycle_state == Lifecycle.RETIRED:
        raise InvalidLifecycleMove("A retired service's checklist is closed.")
    if item.approver_id and item.approver.agency_id is not None:
        raise ValidationError({"approver": ["The approver must be provider staff."]})
    item.full_clean()
    item._history_user = acting_user
    item.save()
    return item


@transaction.atomic
def delete_checklist_item(item: ChecklistItem, *, acting_user) -> None:
    _require_editor(acting_user)
    if item.signed_off_at:
        raise InvalidLifecycleMove("A signed-off item stays on the checklist as a record.")
    item.delete()
