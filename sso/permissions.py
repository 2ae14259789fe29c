"""Tenancy and roles, decided here and nowhere else.

Every model that reaches a user is registered in ``RULES`` with the path from the model
to its agency. ``visible(queryset, user)`` is the only way a page, an API view, an export
or a chart narrows a queryset to what a user may see; an unregistered model raises, so a
new endpoint cannot forget tenancy silently. Objects outside the user's reach are 404
(``get_visible_or_404``), never a 403 that would confirm they exist.

Who sees what:
- provider staff (users with no agency) see every agency's records their roles allow;
- agency staff see their own agency's records, and the shared catalog;
- an integrator account is agency staff when it has an agency, provider-wide when not;
- anonymous and inactive users see nothing.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from sso.models import PROVIDER_ONLY_ROLES, Role

ALL_ROLES = frozenset(Role.values)
PROVIDER_ROLES = PROVIDER_ONLY_ROLES


@dataclass(frozen=True)
class Rule:
    """How one model is scoped.

    agency_path: lookup from the model to the agency id ("agency", "ticket__agency",
        "pk" for Agency itself); None for records shared by all agencies (the catalog).
    view_roles: roles that may read; None means any signed-in user.
    write_roles: roles that may create, change or delete through generic endpoints.
        Operations with their own rules (a requester filing a ticket) check them with
        ``require_role`` instead.
    provider_only: agency users never see these, whatever their roles.
    include_shared_rows: rows whose agency is null (provider-wide records) are visible
        to agency users too.
    """

    agency_path: str | None
    view_roles: frozenset[str] | None = None
    write_roles: frozenset[str] = field(default_factory=lambda: frozenset({Role.ADMIN}))
    provider_only: bool = False
    include_shared_rows: bool = False


def _roles(*codes) -> frozenset[str]:
    return frozenset(str(c) for c in codes)


ADMIN_ONLY = _roles(Role.ADMIN)
CATALOG_EDITORS = _roles(Role.ADMIN, Role.SERVICE_OWNER)
# Per-team figures are the provider's internal targets: its staff and the boards see them.
TEAM_FIGURE_READERS = _roles(
    Role.ADMIN,
    Role.AGENT,
    Role.SERVICE_OWNER,
    Role.FINANCE_ADMIN,
    Role.INTEGRATOR,
    Role.BOARD_MEMBER,
)
WEBHOOK_MANAGERS = _roles(Role.ADMIN, Role.INTEGRATOR)
# Provider staff who work tickets (and integrators, who import and update them).
TICKET_WORKERS = _roles(Role.ADMIN, Role.AGENT, Role.SERVICE_OWNER, Role.INTEGRATOR)

RULES: dict[str, Rule] = {
    # --- sso
    "sso.Agency": Rule(agency_path="pk"),
    "sso.OnboardingEvent": Rule(agency_path="agency"),
    # Agency users see their own colleagues; provider staff are listed to all through tickets.
    "sso.User": Rule(agency_path="agency", write_roles=_roles(Role.ADMIN, Role.INTEGRATOR)),
    "sso.RoleGrant": Rule(
        agency_path="user__agency", write_roles=_roles(Role.ADMIN, Role.INTEGRATOR)
    ),
    "sso.Team": Rule(agency_path=None),
    # --- catalog: shared by all agencies, maintained by service owners
    "catalog.BusinessCalendar": Rule(agency_path=None, write_roles=CATALOG_EDITORS),
    "catalog.WorkingHours": Rule(agency_path=None, write_roles=CATALOG_EDITORS),
    "catalog.Holiday": Rule(agency_path=None, write_roles=CATALOG_EDITORS),
    "catalog.Service": Rule(agency_path=None, write_roles=CATALOG_EDITORS),
    "catalog.RequestType": Rule(agency_path=None, write_roles=CATALOG_EDITORS),
    "catalog.ServiceLevel": Rule(agency_path=None, write_roles=CATALOG_EDITORS),
    "catalog.ChecklistTemplateItem": Rule(
        agency_path=None, provider_only=True, write_roles=CATALOG_EDITORS
    ),
    "catalog.ChecklistItem": Rule(
        agency_path=None, provider_only=True, write_roles=CATALOG_EDITORS
    ),
    # Articles: agency staff see public ones only (see visible_articles).
    "catalog.Article": Rule(agency_path=None, write_roles=CATALOG_EDITORS | {Role.AGENT}),
    # Subscriptions belong to an agency; approvers request them (catalog.subscriptions checks it).
    "catalog.Subscription": Rule(agency_path="agency", write_roles=CATALOG_EDITORS),
    # --- tickets: agency staff see their agency's tickets; operations in tickets/workflow.py
    # check who may file, comment and transition (see can_file_ticket / can_work_tickets).
    "tickets.Ticket": Rule(agency_path="agency", write_roles=TICKET_WORKERS),
    "tickets.TicketEvent": Rule(agency_path="ticket__agency", write_roles=TICKET_WORKERS),
    # Internal notes: narrow with visible_comments(), never visible() alone.
    "tickets.Comment": Rule(agency_path="ticket__agency", write_roles=TICKET_WORKERS),
    "tickets.Attachment": Rule(agency_path="ticket__agency", write_roles=TICKET_WORKERS),
    "tickets.SatisfactionRating": Rule(agency_path="ticket__agency"),
    "tickets.TeamAssignment": Rule(agency_path="ticket__agency", provider_only=True),
    "tickets.RoutingRule": Rule(
        agency_path=None, provider_only=True, write_roles=_roles(Role.ADMIN, Role.SERVICE_OWNER)
    ),
    "tickets.PriorityMatrixEntry": Rule(agency_path=None),
    "tickets.Tag": Rule(agency_path=None, write_roles=TICKET_WORKERS),
    # Saved views are personal: narrow with visible_saved_views().
    "tickets.SavedView": Rule(agency_path=None, provider_only=True, write_roles=ALL_ROLES),
    # --- SLA and OLA compliance (derived rows, written only by tickets.compliance)
    "tickets.SlaComplianceDay": Rule(agency_path="agency", write_roles=frozenset()),
    "tickets.SlaComplianceMonth": Rule(agency_path="agency", write_roles=frozenset()),
    "tickets.TeamComplianceDay": Rule(
        agency_path=None, view_roles=TEAM_FIGURE_READERS, write_roles=frozenset()
    ),
    "tickets.TeamOlaTarget": Rule(
        agency_path=None, view_roles=TEAM_FIGURE_READERS, write_roles=CATALOG_EDITORS
    ),
    "tickets.SlaWarning": Rule(
        agency_path="ticket__agency", provider_only=True, write_roles=frozenset()
    ),
    "tickets.Notice": Rule(agency_path="user__agency", write_roles=frozenset()),
    # --- webhooks: an agency's integrator manages its agency's endpoints; provider-wide
    # endpoints (no agency) are the provider's.
    "tickets.WebhookEndpoint": Rule(
        agency_path="agency", view_roles=WEBHOOK_MANAGERS, write_roles=WEBHOOK_MANAGERS
    ),
    "tickets.WebhookDelivery": Rule(
        agency_path="endpoint__agency", view_roles=WEBHOOK_MANAGERS, write_roles=frozenset()
    ),
}


def rule_for(model: type[Model]) -> Rule:
    label = model._meta.label
    try:
        return RULES[label]
    except KeyError:
        raise ImproperlyConfigured(
            f"{label} has no tenancy rule: register it in sso/permissions.py before exposing it."
        ) from None


# --- who is this user ------------------------------------------------------------------------


def is_signed_in(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def roles_of(user) -> frozenset[str]:
    if not is_signed_in(user):
        return frozenset()
    return user.role_codes


def has_role(user, *roles) -> bool:
    return bool(roles_of(user) & _roles(*roles))


def is_provider(user) -> bool:
    """Provider staff: signed in and not attached to an agency."""
    return is_signed_in(user) and user.agency_id is None


def is_admin(user) -> bool:
    return is_signed_in(user) and (user.is_superuser or Role.ADMIN in roles_of(user))


def require_role(user, *roles) -> None:
    if not has_role(user, *roles) and not is_admin(user):
        raise PermissionDenied(f"This needs one of the roles: {', '.join(sorted(_roles(*roles)))}.")


# --- what may this user see ----------------------------------------------------------------------


def can_view(user, model: type[Model]) -> bool:
    rule = rule_for(model)
    if not is_signed_in(user):
        return False
    if is_admin(user):
        return True
    if rule.provider_only and not is_provider(user):
        return False
    return rule.view_roles is None or bool(roles_of(user) & rule.view_roles)


def can_write(user, model: type[Model]) -> bool:
    rule = rule_for(model)
    if not is_signed_in(user):
        return False
    if is_admin(user):
        return True
    if rule.provider_only and not is_provider(user):
        return False
    return bool(roles_of(user) & rule.write_roles)


def visible(queryset: QuerySet, user) -> QuerySet:
    """Narrow ``queryset`` to the rows ``user`` may see."""
    rule = rule_for(queryset.model)
    if not can_view(user, queryset.model):
        return queryset.none()
    if is_provider(user) or rule.agency_path is None:
        return queryset
    condition = Q(**{rule.agency_path: user.agency_id})
    if rule.include_shared_rows:
        condition |= Q(**{f"{rule.agency_path}__isnull": True})
    return queryset.filter(condition)


def get_visible_or_404(queryset: QuerySet, user, **lookup):
    """The object, if the user may see it; a 404 whether it is missing or someone else's."""
    try:
        return visible(queryset, user).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404(f"No {queryset.model._meta.verbose_name} matches the given query.") from None


def visible_agencies(user) -> QuerySet:
    from sso.models import Agency

    return visible(Agency.objects.all(), user)


def can_act_for_agency(user, agency_id: int | None) -> bool:
    """May ``user`` create or change records that belong to ``agency_id``?"""
    if not is_signed_in(user):
        return False
    if is_provider(user):
        return True
    return agency_id is not None and agency_id == user.agency_id


def require_agency_access(user, agency_id: int | None) -> None:
    if not can_act_for_agency(user, agency_id):
        raise PermissionDenied("You can only act for your own agency.")


def can_manage_user(actor, agency_id: int | None, roles) -> bool:
    """Administrators manage anyone; an agency's integrator provisions its own agency's staff."""
    if is_admin(actor):
        return True
    if not has_role(actor, Role.INTEGRATOR):
        return False
    if is_provider(actor):
        # A provider-wide integrator (e.g. the HR feed) provisions agency staff, not provider roles.
        return agency_id is not None and not (set(roles) & (PROVIDER_ROLES | {Role.INTEGRATOR}))
    return (
        agency_id == actor.agency_id
        and Role.INTEGRATOR not in set(roles)
        and not (set(roles) & PROVIDER_ROLES)
    )


# --- the catalog ---------------------------------------------------------------------------------

# Agency staff see the published catalog: live services, and retired ones (their tickets and
# subscriptions stay readable). Services still proposed or in design/transition are the
# provider's pipeline.
PUBLISHED_SERVICE_STATES = ("live", "retired")


def can_edit_catalog(user) -> bool:
    return is_admin(user) or has_role(user, Role.SERVICE_OWNER)


def visible_services(queryset: QuerySet, user, service_path: str = "") -> QuerySet:
    """Services (or rows hanging off one, via ``service_path``) the user may see."""
    queryset = visible(queryset, user)
    if is_provider(user):
        return queryset
    prefix = f"{service_path}__" if service_path else ""
    return queryset.filter(**{f"{prefix}lifecycle_state__in": PUBLISHED_SERVICE_STATES})


def visible_articles(queryset: QuerySet, user) -> QuerySet:
    """Knowledge articles: agency staff read public articles of published services only."""
    queryset = visible_services(queryset, user, "service")
    if is_provider(user):
        return queryset
    return queryset.filter(audience="public")


# --- tickets ------------------------------------------------------------------------------------


def sees_internal_notes(user) -> bool:
    """Internal notes (and internal attachments and events) are for provider staff only."""
    return is_provider(user) and (
        is_admin(user) or has_role(user, Role.AGENT, Role.SERVICE_OWNER, Role.INTEGRATOR)
    )


def visible_comments(queryset: QuerySet, user) -> QuerySet:
    """Comments, attachments or ticket events the user may see: their agency's, minus internal."""
    queryset = visible(queryset, user)
    if not sees_internal_notes(user):
        queryset = queryset.filter(internal=False)
    return queryset


def can_work_tickets(user) -> bool:
    """Agents' actions: assign, escalate, internal notes, any transition, re-run routing."""
    return is_provider(user) and (
        is_admin(user) or has_role(user, Role.AGENT, Role.SERVICE_OWNER, Role.INTEGRATOR)
    )


def can_file_ticket(user, agency_id: int | None) -> bool:
    """Agency staff file for their own agency; provider staff and integrators for any."""
    if not can_act_for_agency(user, agency_id):
        return False
    if is_provider(user):
        return can_work_tickets(user)
    return has_role(user, Role.REQUESTER, Role.APPROVER, Role.INTEGRATOR)


def can_approve_tickets(user, agency_id: int | None) -> bool:
    """The agency's approvers decide on requests that need approval (administrators too)."""
    if is_admin(user):
        return True
    return (
        is_signed_in(user)
        and agency_id is not None
        and user.agency_id == agency_id
        and has_role(user, Role.APPROVER)
    )


def visible_saved_views(queryset: QuerySet, user) -> QuerySet:
    return visible(queryset, user).filter(user=user) if is_signed_in(user) else queryset.none()
