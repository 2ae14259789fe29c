from rest_framework.permissions import SAFE_METHODS, BasePermission

from sso import permissions


class RoleAndTenancyPermission(BasePermission):
    """Signed in, and holding a role that may read (or write) this kind of record.

    Which rows are visible is decided by ``TenantScopedViewSet.get_queryset``; this only
    answers 401/403. Custom actions that call an operation with its own role rules set
    ``operation_checks_roles = True`` on the action.
    """

    def has_permission(self, request, view):
        if not permissions.is_signed_in(request.user):
            return False
        model = getattr(getattr(view, "queryset", None), "model", None)
        if model is None:
            return True
        if request.method in SAFE_METHODS:
            return permissions.can_view(request.user, model)
        action = getattr(view, "action", None)
        handler = getattr(view, action, None) if action else None
        if getattr(handler, "operation_checks_roles", False):
            return permissions.can_view(request.user, model)
        return permissions.can_write(request.user, model)
