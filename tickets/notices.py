"""In-app notices (SLA warnings, breaches): the list, marking read, and the unread badge."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_POST

from sso import permissions
from tickets.compliance_models import Notice


def unread_count(user) -> int:
    if not permissions.is_signed_in(user):
        return 0
    return Notice.objects.filter(user=user, read_at__isnull=True).count()


def context(request):
    """Template context: the unread badge in the navigation bar."""
    return {"unread_notices": unread_count(getattr(request, "user", None))}


@login_required
def notice_list(request):
    notices = Notice.objects.filter(user=request.user).select_related("ticket")[:200]
    return render(request, "tickets/notices.html", {"notices": notices})


@login_required
@require_POST
def mark_read(request):
    Notice.objects.filter(user=request.user, read_at__isnull=True).update(read_at=timezone.now())
    return redirect("notices:list")


app_name = "notices"
urlpatterns = [
    path("", notice_list, name="list"),
    path("read/", mark_read, name="read"),
]
