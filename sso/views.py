from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from sso import organization, permissions
from sso.forms import OnboardingStatusForm
from sso.models import Agency, OnboardingStatus, Team, User


def _home_kind(user) -> str:
    if permissions.is_admin(user):
        return "admin"
    if permissions.is_provider(user):
        return "provider"
    return "agency"


@login_required
def home(request):
    """One home page per kind of user: agency staff, provider staff, administrators."""
    user = request.user
    kind = _home_kind(user)
    context = {"kind": kind, "roles": sorted(permissions.roles_of(user))}
    if kind == "agency":
        context["agency"] = user.agency
        context["colleagues"] = permissions.visible(
            User.objects.filter(is_active=True), user
        ).count()
    else:
        context["my_teams"] = user.teams.select_related("lead").annotate(
            member_count=Count("members")
        )
        agencies = permissions.visible_agencies(user)
        by_status = dict(agencies.values_list("onboarding_status").annotate(n=Count("id")))
        context["onboarding"] = [
            (label, by_status.get(value, 0)) for value, label in OnboardingStatus.choices
        ]
        context["agency_count"] = sum(by_status.values())
        if kind == "admin":
            context["user_count"] = User.objects.filter(is_active=True).count()
            context["team_count"] = Team.objects.count()
    return render(request, f"sso/home_{kind}.html", context)


@login_required
def agency_list(request):
    if not permissions.is_provider(request.user):
        return redirect("sso:my-agency")
    agencies = permissions.visible_agencies(request.user).annotate(staff=Count("users"))
    status = request.GET.get("status")
    if status in OnboardingStatus.values:
        agencies = agencies.filter(onboarding_status=status)
    return render(
        request,
        "sso/agency_list.html",
        {"agencies": agencies, "statuses": OnboardingStatus.choices, "current_status": status},
    )


@login_required
def agency_detail(request, code):
    agency = permissions.get_visible_or_404(Agency.objects.all(), request.user, code=code)
    return render(
        request,
        "sso/agency_detail.html",
        {
            "agency": agency,
            "events": agency.onboarding_events.select_related("changed_by"),
            "staff": permissions.visible(
                agency.users.filter(is_active=True), request.user
            ).prefetch_related("role_grants"),
            "history": agency.history.select_related("history_user")[:20],
            "form": OnboardingStatusForm(initial={"status": agency.onboarding_status}),
            "can_change_status": permissions.is_admin(request.user),
        },
    )


@login_required
def my_agency(request):
    if request.user.agency is None:
        return redirect("sso:agency-list")
    return agency_detail(request, request.user.agency.code)


@login_required
@require_POST
def agency_set_status(request, code):
    agency = permissions.get_visible_or_404(Agency.objects.all(), request.user, code=code)
    form = OnboardingStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a valid onboarding status.")
        return redirect("sso:agency-detail", code=code)
    try:
        organization.set_onboarding_status(
            agency=agency,
            status=form.cleaned_data["status"],
            note=form.cleaned_data["note"],
            acting_user=request.user,
        )
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, f"{agency.code} is now {agency.get_onboarding_status_display().lower()}."
        )
    return redirect("sso:agency-detail", code=code)


@login_required
def team_list(request):
    teams = permissions.visible(
        Team.objects.select_related("lead").prefetch_related("members"), request.user
    )
    return render(request, "sso/team_list.html", {"teams": teams})


@login_required
def profile(request):
    from rest_framework.authtoken.models import Token

    return render(
        request,
        "sso/profile.html",
        {
            "has_token": Token.objects.filter(user=request.user).exists(),
            "roles": sorted(permissions.roles_of(request.user)),
        },
    )


@login_required
@require_POST
def profile_token(request):
    key = organization.issue_api_token(request.user, rotate=True)
    messages.success(request, "A new API key was made. Copy it now: it is shown once.")
    return render(
        request,
        "sso/profile.html",
        {"new_key": key, "has_token": True, "roles": sorted(permissions.roles_of(request.user))},
    )
