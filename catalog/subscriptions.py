"""Subscriptions: an agency's approver asks for a service; the service owner decides.

    request_subscription  agency approver, for their own agency (admins for any), live services only
    approve / reject      service owner or administrator, while requested
    cancel                the agency's approver or a service owner, while requested or approved
    change_subscription   quantity and end date: the agency's approver while requested, the
                          service owner at any time before it is cancelled or rejected

History (who asked, who decided, and every change) is kept by simple-history.
"""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from catalog.errors import AlreadyDecided
from catalog.lifecycle import require_live
from catalog.models import Subscription, SubscriptionStatus
from sso import permissions
from sso.models import Role

ACTIVE = (SubscriptionStatus.REQUESTED, SubscriptionStatus.APPROVED)


def can_request(user, agency_id) -> bool:
    if permissions.is_admin(user):
        return True
    return (
        permissions.has_role(user, Role.APPROVER)
        and not permissions.is_provider(user)
        and user.agency_id == agency_id
    )


def can_decide(user) -> bool:
    return permissions.can_edit_catalog(user)


def _check_dates_and_overlap(subscription: Subscription) -> None:
    subscription.full_clean()
    start, end = subscription.start_date, subscription.end_date
    overlapping = Subscription.objects.filter(
        agency_id=subscription.agency_id,
        service_id=subscription.service_id,
        status__in=ACTIVE,
    ).filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
    if end is not None:
        overlapping = overlapping.filter(start_date__lte=end)
    if subscription.pk:
        overlapping = overlapping.exclude(pk=subscription.pk)
    if overlapping.exists():
        raise ValidationError(
            {
                "start_date": [
                    "The agency already has a requested or approved subscription to this "
                    "service for those dates; change its quantity instead."
                ]
            }
        )


@transaction.atomic
def request_subscription(
    *,
    agency,
    service,
    start_date: date,
    quantity: int = 1,
    end_date: date | None = None,
    acting_user,
) -> Subscription:
    if not can_request(acting_user, agency.pk):
        raise PermissionDenied("Subscriptions are requested by an approver of the agency.")
    require_live(service)
    subscription = Subscription(
        agency=agency,
        service=service,
        quantity=quantity,
        start_date=start_date,
        end_date=end_date,
        status=SubscriptionStatus.REQUESTED,
        requested_by=acting_user,
    )
    _check_dates_and_overlap(subscription)
    subscription._history_user = acting_user
    subscription.save()
    return subscription


def _decide(subscription: Subscription, status: str, acting_user, note: str) -> Subscription:
    if not can_decide(acting_user):
        raise PermissionDenied("Subscriptions are approved by the service owner.")
    subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
    if subscription.status != SubscriptionStatus.REQUESTED:
        raise AlreadyDecided(
            f"This subscription is already {subscription.get_status_display().lower()}.",
            status=subscription.status,
        )
    if status == SubscriptionStatus.APPROVED:
        require_live(subscription.service)
    subscription.status = status
    subscription.decided_by = acting_user
    subscription.decided_at = timezone.now()
    subscription.decision_note = (note or "")[:500]
    subscription._history_user = acting_user
    subscription.save()
    return subscription


@transaction.atomic
def approve(subscription: Subscription, *, acting_user, note: str = "") -> Subscription:
    return _decide(subscription, SubscriptionStatus.APPROVED, acting_user, note)


@transaction.atomic
def reject(subscription: Subscription, *, acting_user, note: str = "") -> Subscription:
    if not (note or "").strip():
        raise ValidationError({"note": ["Say why the request is rejected."]})
    return _decide(subscription, SubscriptionStatus.REJECTED, acting_user, note)


@transaction.atomic
def cancel(subscription: Subscription, *, acting_user, note: str = "") -> Subscription:
    if not (can_decide(acting_user) or can_request(acting_user, subscription.agency_id)):
        raise PermissionDenied("Only the agency's approver or the service owner can cancel.")
    subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
    if subscription.status not in ACTIVE:
        raise AlreadyDecided(
            f"This subscription is already {subscription.get_status_display().lower()}.",
            status=subscription.status,
        )
    subscription.status = SubscriptionStatus.CANCELLED
    if note:
        subscription.decision_note = note[:500]
    subscription._history_user = acting_user
    subscription.save()
    return subscription


@transaction.atomic
def change_subscription(subscription: Subscription, *, acting_user, **values) -> Subscription:
    """Change quantity, start or end date (not agency, service or status)."""
    allowed = {"quantity", "start_date", "end_date"}
    unexpected = set(values) - allowed
    if unexpected:
        raise ValidationError(
            {name: ["This cannot be changed on an existing subscription."] for name in unexpected}
        )
    subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
    owner = can_decide(acting_user)
    if not owner and not (
        can_request(acting_user, subscription.agency_id)
        and subscription.status == SubscriptionStatus.REQUESTED
    ):
        if can_request(acting_user, subscription.agency_id):
            raise AlreadyDecided(
                "An approved subscription is changed by the service owner; ask them.",
                status=subscription.status,
            )
        raise PermissionDenied("Only the agency's approver or the service owner can change this.")
    if subscription.status not in ACTIVE:
        raise AlreadyDecided(
            f"A {subscription.get_status_display().lower()} subscription cannot change.",
            status=subscription.status,
        )
    for name, value in values.items():
        setattr(subscription, name, value)
    _check_dates_and_overlap(subscription)
    subscription._history_user = acting_user
    subscription.save()
    return subscription
