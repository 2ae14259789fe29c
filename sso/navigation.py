"""The main navigation, filtered by the signed-in user's roles.

Each entry names a URL and the roles that see it (None: every signed-in user). Entries
whose URL does not exist yet are skipped, so the menu only offers what is built.
"""

from django.urls import NoReverseMatch, reverse

from sso import permissions
from sso.models import Role

ENTRIES = [
    ("Home", "home", None),
    (
        "Agencies",
        "sso:agency-list",
        {Role.ADMIN, Role.SERVICE_OWNER, Role.FINANCE_ADMIN, Role.AGENT},
    ),
    ("My agency", "sso:my-agency", "agency"),
    ("My tickets", "tickets:mine", "agency"),
    ("Queue", "tickets:queue", {Role.AGENT, Role.SERVICE_OWNER, Role.ADMIN}),
    ("SLA compliance", "compliance:page", None),
    ("Teams", "sso:team-list", None),
    ("Catalog", "catalog:browse", None),
    ("Subscriptions", "catalog:subscriptions", None),
    ("API docs", "api-docs", {Role.INTEGRATOR, Role.ADMIN}),
    ("Admin", "admin:index", {Role.ADMIN}),
]


def entries_for(user, current_path: str = ""):
    if not permissions.is_signed_in(user):
        return []
    roles = permissions.roles_of(user)
    items = []
    for label, url_name, audience in ENTRIES:
        if audience == "agency":
            if permissions.is_provider(user):
                continue
        elif audience is not None and not (roles & audience) and not permissions.is_admin(user):
            continue
        if url_name == "admin:index" and not user.is_staff:
            continue
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        active = current_path == url if url == "/" else current_path.startswith(url)
        items.append({"label": label, "url": url, "active": active})
    return items
