"""Operations on the organization: provisioning people, roles, onboarding.

The admin, the pages, the API and the seed command all call these, so the rules (which
roles an agency user may hold, who may provision whom, the onboarding trail) hold everywhere.
"""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from rest_framework.authtoken.models import Token

from sso import permissions
from sso.models import (
    Agency,
    OnboardingEvent,
    OnboardingStatus,
    RoleGrant,
    Team,
    User,
    validate_roles_for,
)


def _set_teams(user: User, teams: Iterable[Team]) -> None:
    # Membership is changed from the team's side: Team keeps the m2m history.
    wanted = {team.pk: team for team in teams}
    for team in user.teams.exclude(pk__in=wanted):
        team.members.remove(user)
    current = set(user.teams.values_list("pk", flat=True))
    for pk, team in wanted.items():
        if pk not in current:
            team.members.add(user)


def _set_roles(user: User, roles: Iterable[str]) -> None:
    wanted = set(roles)
    current = set(user.role_grants.values_list("role", flat=True))
    for grant in user.role_grants.filter(role__in=current - wanted):
        grant.delete()  # one by one so history records each removal
    for role in sorted(wanted - current):
        RoleGrant.objects.create(user=user, role=role)
    user.forget_roles()


@transaction.atomic
def create_user(
    *,
    acting_user: User | None,
    username: str,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    agency: Agency | None = None,
    roles: Iterable[str] = (),
    teams: Iterable[Team] = (),
    fte=None,
    password: str | None = None,
    is_active: bool = True,
) -> User:
    """Create a person or API account. ``acting_user`` None means the system (seeds, commands)."""
    roles = list(roles)
    if acting_user is not None and not permissions.can_manage_user(
        acting_user, agency and agency.pk, roles
    ):
        raise PermissionDenied("You may not create this user with these roles for this agency.")
    validate_roles_for(agency, roles)
    teams = list(teams)
    if teams and agency is not None:
        raise ValidationError({"teams": ["Only provider staff belong to resolver teams."]})
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": ["A user with that username already exists."]})
    user = User(
        username=username, email=email, first_name=first_name, last_name=last_name, agency=agency
    )
    user.is_active = is_active
    if fte is not None:
        user.fte = fte
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    _set_roles(user, roles)
    if teams:
        _set_teams(user, teams)
    return user


@transaction.atomic
def update_user(
    *, acting_user: User | None, user: User, roles=None, teams=None, password=None, **fields
) -> User:
    new_agency = fields.get("agency", user.agency)
    new_roles = list(roles) if roles is not None else list(user.role_codes)
    if acting_user is not None:
        allowed_before = permissions.can_manage_user(acting_user, user.agency_id, user.role_codes)
        allowed_after = permissions.can_manage_user(
            acting_user, new_agency and new_agency.pk, new_roles
        )
        if not (allowed_before and allowed_after):
            raise PermissionDenied("You may not change this user that way.")
    validate_roles_for(new_agency, new_roles)
    if teams is not None and list(teams) and new_agency is not None:
        raise ValidationError({"teams": ["Only provider staff belong to resolver teams."]})
    for name, value in fields.items():
        setattr(user, name, value)
    if password:
        user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    if roles is not None:
        _set_roles(user, new_roles)
    if teams is not None:
        _set_teams(user, teams)
    return user


@transaction.atomic
def set_onboarding_status(
    *, agency: Agency, status: str, acting_user: User | None, note: str = "", at=None
) -> Agency:
    """Move an agency along its onboarding path and keep the dated trail."""
    if acting_user is not None and not permissions.is_admin(acting_user):
        raise PermissionDenied("Only administrators change an agency's onboarding status.")
    if status not in OnboardingStatus.values:
        raise ValidationError({"onboarding_status": [f"Unknown status {status!r}."]})
    at = at or timezone.now()
    if status == agency.onboarding_status and agency.onboarding_events.exists():
        return agency
    agency.onboarding_status = status
    agency.onboarding_status_changed_at = at
    agency.save(update_fields=["onboarding_status", "onboarding_status_changed_at"])
    OnboardingEvent.objects.create(
        agency=agency, status=status, changed_at=at, changed_by=acting_user, note=note
    )
    return agency


@transaction.atomic
def create_agency(*, acting_user: User | None, **fields) -> Agency:
    if acting_user is not None and not permissions.is_admin(acting_user):
        raise PermissionDenied("Only administrators add agencies.")
    status = fields.pop("onboarding_status", OnboardingStatus.PROSPECTIVE)
    agency = Agency(**fields, onboarding_status=status)
    agency.full_clean()
    agency.save()
    OnboardingEvent.objects.create(
        agency=agency,
        status=status,
        changed_at=agency.onboarding_status_changed_at,
        changed_by=acting_user,
    )
    return agency


def issue_api_token(user: User, *, rotate: bool = False) -> str:
    """Return the user's API key, making one if needed; ``rotate`` replaces an existing key."""
    with transaction.atomic():
        if rotate:
            Token.objects.filter(user=user).delete()
        token, _ = Token.objects.get_or_create(user=user)
    return token.key
