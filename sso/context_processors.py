from sso.navigation import entries_for


def nav(request):
    return {"nav_entries": entries_for(getattr(request, "user", None), request.path)}
