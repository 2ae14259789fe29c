"""Ticket pages. Thin: each view reads through tickets.queries / sso.permissions and writes
through the operations (workflow, triage, conversation); htmx requests get the partial back."""

import itertools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from catalog.models import Service
from sso import permissions
from sso.errors import StateConflict
from sso.models import Role, Team, User
from sso.pagination import DeferredJoinPaginator
from tickets import conversation, queries, triage, workflow
from tickets.models import (
    OPEN_STATUSES,
    Attachment,
    Comment,
    SavedView,
    Status,
    Ticket,
    TicketEvent,
)
from tickets.priority import DEFAULT as DEFAULT_MATRIX

PAGE_SIZES = (25, 50, 100, 200)


def _error_text(exc) -> str:
    if isinstance(exc, ValidationError):
        if hasattr(exc, "error_dict"):
            return " ".join(
                f"{'' if k == '__all__' else k + ': '}{' '.join(v)}"
                for k, v in exc.message_dict.items()
            )
        return " ".join(exc.messages)
    return str(exc)


def _ticket(request, number) -> Ticket:
    return permissions.get_visible_or_404(
        Ticket.objects.select_related(
            "agency", "service__calendar", "team", "assignee", "requester", "request_type", "sla"
        ),
        request.user,
        number=number,
    )


def _team(request) -> Team | None:
    """The team named by the POST field ``team``; None when missing, unknown or not an id."""
    pk = queries.whole_number(request.POST.get("team"))
    return Team.objects.filter(pk=pk).first() if pk else None


def _page(request, queryset):
    try:
        size = int(request.GET.get("page_size", 50))
    except ValueError:
        size = 50
    size = size if size in PAGE_SIZES else 50
    return DeferredJoinPaginator(queryset, size).get_page(request.GET.get("page"))


# --- agency staff -----------------------------------------------------------------------------


@login_required
def my_tickets(request):
    if permissions.can_work_tickets(request.user):
        return redirect("tickets:queue")
    tickets = (
        queries.ticket_list(request.user)
        .filter(Q(requester=request.user) | Q(watchers=request.user))
        .distinct()
    )
    return render(
        request,
        "tickets/my_tickets.html",
        {"page": _page(request, queries.filter_queue(tickets, request.GET)), "scope": "mine"},
    )


@login_required
def agency_tickets(request):
    user = request.user
    if permissions.is_provider(user):
        return redirect("tickets:queue")
    tickets = queries.filter_queue(queries.ticket_list(user), request.GET)
    pending = (
        queries.ticket_list(user).filter(status=Status.AWAITING_APPROVAL).order_by("opened_at")
        if permissions.can_approve_tickets(user, user.agency_id)
        else Ticket.objects.none()
    )
    return render(
        request,
        "tickets/my_tickets.html",
        {"page": _page(request, tickets), "pending": pending, "scope": "agency"},
    )


def _suggestions(text, user, service):
    try:
        from catalog.knowledge import suggest_articles
    except ImportError:
        return []
    try:
        return list(suggest_articles(text, user, service=service))[:5]
    except Exception:  # suggestions are a nicety; filing must never fail because of them
        return []


@login_required
def new_ticket(request):
    user = request.user
    services = Service.objects.live().order_by("name")
    service = None
    code = request.GET.get("service") or request.POST.get("service")
    if code:
        service = (
            permissions.visible_services(Service.objects.all(), user)
            .filter(code=code)
            .select_related("owner_team")
            .first()
        )
        if service is None:
            raise Http404("No such service.")
    request_types = (
        list(service.request_types.filter(is_active=True).order_by("name")) if service else []
    )
    request_type = None
    rt_id = request.GET.get("request_type") or request.POST.get("request_type")
    if rt_id and service:
        request_type = next((rt for rt in request_types if str(rt.pk) == rt_id), None)
    elif len(request_types) == 1:
        request_type = request_types[0]
    values = {}
    errors = {}
    form = {"title": "", "description": "", "impact": "2", "urgency": "2", "agency": ""}
    agencies = permissions.visible_agencies(user) if permissions.is_provider(user) else None
    if request.method == "POST" and service is not None:
        form.update({k: request.POST.get(k, "") for k in form})
        if request_type:
            values = {
                f["name"]: request.POST.get(f"f_{f['name']}", "")
                for f in request_type.fields
                if f["type"] != "boolean" or f"f_{f['name']}" in request.POST
            }
            for f in request_type.fields:
                if f["type"] == "boolean" and f"f_{f['name']}" not in request.POST:
                    values[f["name"]] = False
        agency = None
        if agencies is not None and form["agency"]:
            agency = agencies.filter(code=form["agency"]).first()
        try:
            ticket = workflow.create_ticket(
                acting_user=user,
                service=service,
                request_type=request_type,
                agency=agency,
                title=form["title"],
                description=form["description"],
                impact=form["impact"],
                urgency=form["urgency"],
                fields=values if request_type else None,
            )
        except ValidationError as exc:
            errors = exc.message_dict
        except (StateConflict, PermissionDenied) as exc:
            errors = {"__all__": [str(exc)]}
        else:
            messages.success(request, f"{ticket.number} filed. We will be in touch.")
            return redirect("tickets:detail", ticket.number)
    suggestions = (
        _suggestions(
            f"{form['title']} {form['description']}".strip() or service.name, user, service
        )
        if service
        else []
    )
    return render(
        request,
        "tickets/new_ticket.html",
        {
            "services": services,
            "service": service,
            "request_types": request_types,
            "request_type": request_type,
            "values": values,
            "errors": errors,
            "form": form,
            "agencies": agencies,
            "suggestions": suggestions,
            "levels": [(1, "High"), (2, "Medium"), (3, "Low")],
        },
    )


# --- agents -----------------------------------------------------------------------------------


def _require_worker_page(user):
    if not permissions.can_work_tickets(user):
        raise PermissionDenied("The queue is for provider agents.")


@login_required
def queue(request):
    user = request.user
    if not permissions.is_provider(user):
        return redirect("tickets:mine")
    _require_worker_page(user)
    if not request.GET and not request.htmx:
        # The queue is for work still owed: open tickets first; "Any status" stays one click away.
        return redirect(f"{request.path}?status=open")
    params = request.GET
    tickets = queries.filter_queue(queries.ticket_list(user), params, user)
    order = params.get("order", "due")
    orderings = {
        "due": ("resolution_due_at", "pk"),
        "-opened": ("-opened_at", "-pk"),
        "opened": ("opened_at", "pk"),
        "priority": ("priority", "resolution_due_at", "pk"),
    }
    tickets = tickets.order_by(*orderings.get(order, orderings["due"]))
    page = _page(request, tickets)
    context = {
        "page": page,
        "params": params,
        "query_string": params.urlencode(),
        "statuses": Status.choices,
        "teams": Team.objects.order_by("tier", "name"),
        "agents": User.objects.filter(
            agency__isnull=True, is_active=True, role_grants__role=Role.AGENT
        ).order_by("username"),
        "agencies": permissions.visible_agencies(user).only("pk", "code"),
        "services": Service.objects.only("pk", "code", "name").order_by("code"),
        "saved_views": permissions.visible_saved_views(SavedView.objects.all(), user),
        "now": timezone.now(),
        "order": order,
    }
    template = "tickets/_queue_table.html" if request.htmx else "tickets/queue.html"
    return render(request, template, context)


@login_required
def dispatch(request):
    _require_worker_page(request.user)
    page = _page(request, triage.dispatcher_queue(request.user))
    return render(
        request,
        "tickets/dispatch.html",
        {
            "page": page,
            "teams": Team.objects.order_by("tier", "name"),
            "agents": User.objects.filter(
                agency__isnull=True, is_active=True, role_grants__role=Role.AGENT
            ).order_by("username"),
            "now": timezone.now(),
        },
    )


def _back(request, fallback):
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return HttpResponseRedirect(target)
    return redirect(fallback)


@login_required
@require_POST
def bulk_action(request):
    _require_worker_page(request.user)
    ids = [pk for pk in map(queries.whole_number, request.POST.getlist("ticket")) if pk is not None]
    action = request.POST.get("action")
    if not ids:
        messages.warning(request, "Select at least one ticket.")
        return _back(request, "tickets:queue")
    try:
        if action == "assign":
            team = _team(request)
            assignee_id = queries.whole_number(request.POST.get("assignee"))
            assignee = (
                User.objects.filter(pk=assignee_id).first() if assignee_id is not None else False
            )
            done = triage.bulk_assign(ids, acting_user=request.user, team=team, assignee=assignee)
            messages.success(request, f"Assigned {len(done)} tickets.")
        elif action in Status.values:
            visible = permissions.visible(Ticket.objects.filter(pk__in=ids), request.user)
            count = 0
            for pk in visible.values_list("pk", flat=True):
                workflow.transition(pk, action, acting_user=request.user, note="Bulk change.")
                count += 1
            messages.success(request, f"Moved {count} tickets to {Status(action).label}.")
        else:
            messages.error(request, "Choose an action.")
    except (ValidationError, StateConflict, PermissionDenied) as exc:
        messages.error(request, f"Nothing changed: {_error_text(exc)}")
    return _back(request, "tickets:queue")


@login_required
@require_POST
def save_view(request):
    _require_worker_page(request.user)
    name = (request.POST.get("name") or "").strip()[:80]
    if not name:
        messages.error(request, "Name the view.")
    else:
        SavedView.objects.update_or_create(
            user=request.user,
            name=name,
            defaults={"query": (request.POST.get("query") or "")[:1000]},
        )
        messages.success(request, f"Saved view “{name}”.")
    return redirect(reverse("tickets:queue") + "?" + (request.POST.get("query") or ""))


@login_required
@require_POST
def delete_view(request, pk):
    view = permissions.get_visible_or_404(
        permissions.visible_saved_views(SavedView.objects.all(), request.user), request.user, pk=pk
    )
    view.delete()
    return redirect("tickets:queue")


# --- the ticket page ----------------------------------------------------------------------------


def _timeline(ticket, user):
    """Comments, events and field changes, oldest first, without internal ones for customers."""
    comments = permissions.visible_comments(
        Comment.objects.filter(ticket=ticket).select_related("author"), user
    ).prefetch_related(
        Prefetch(
            "attachments",
            queryset=permissions.visible_comments(Attachment.objects.all(), user),
        )
    )
    events = permissions.visible_comments(
        TicketEvent.objects.filter(ticket=ticket).select_related("actor"), user
    )
    items = [("comment", c.created_at, c) for c in comments]
    items += [("event", e.at, e) for e in events]
    if permissions.sees_internal_notes(user):
        records = list(ticket.history.select_related("history_user").order_by("history_date"))
        for older, newer in itertools.pairwise(records):
            delta = newer.diff_against(older, excluded_fields=["updated_at"])
            changes = [
                c
                for c in delta.changes
                if c.field not in ("status", "paused_since", "response_due_at")
            ]
            if changes:
                items.append(("history", newer.history_date, (newer, changes)))
    items.sort(key=lambda item: (item[1], 0 if item[0] == "event" else 1))
    return items


def _detail_context(request, ticket):
    user = request.user
    worker = workflow._is_worker(user, ticket)
    attachments = permissions.visible_comments(
        Attachment.objects.filter(ticket=ticket, comment__isnull=True), user
    )
    return {
        "ticket": ticket,
        "timeline": _timeline(ticket, user),
        "attachments": attachments,
        "targets": [(s, Status(s).label) for s in workflow.allowed_targets(ticket, user)],
        "is_worker": worker,
        "sees_internal": permissions.sees_internal_notes(user),
        "can_comment": conversation.can_comment(user, ticket)
        and ticket.status not in ("closed", "cancelled"),
        "can_approve": ticket.status == Status.AWAITING_APPROVAL
        and permissions.can_approve_tickets(user, ticket.agency_id),
        "can_rate": conversation.can_rate(user, ticket),
        "rating": getattr(ticket, "rating", None) if hasattr(ticket, "rating") else None,
        "teams": Team.objects.order_by("tier", "name") if worker else [],
        "agents": User.objects.filter(
            agency__isnull=True, is_active=True, role_grants__role=Role.AGENT
        ).order_by("username")
        if worker
        else [],
        "now": timezone.now(),
        "is_open": ticket.status in OPEN_STATUSES,
        "tags": list(ticket.tags.values_list("name", flat=True)),
        "watchers": list(ticket.watchers.all()),
        "matrix": DEFAULT_MATRIX,
    }


@login_required
def detail(request, number):
    ticket = _ticket(request, number)
    context = _detail_context(request, ticket)
    template = "tickets/_ticket_main.html" if request.htmx else "tickets/detail.html"
    return render(request, template, context)


def _after_action(request, number, error=None, success=None):
    if error:
        messages.error(request, error)
    elif success:
        messages.success(request, success)
    if request.htmx:
        ticket = _ticket(request, number)
        return render(request, "tickets/_ticket_main.html", _detail_context(request, ticket))
    return redirect("tickets:detail", number)


def _run(request, number, operation, success):
    try:
        operation()
    except (ValidationError, StateConflict, PermissionDenied) as exc:
        return _after_action(request, number, error=_error_text(exc))
    return _after_action(request, number, success=success)


@login_required
@require_POST
def reply(request, number):
    ticket = _ticket(request, number)
    internal = request.POST.get("internal") == "1"

    def operation():
        comment = conversation.add_comment(
            ticket, acting_user=request.user, body=request.POST.get("body", ""), internal=internal
        )
        for upload in request.FILES.getlist("file"):
            conversation.add_attachment(
                ticket, acting_user=request.user, upload=upload, comment=comment
            )

    return _run(request, number, operation, "Note added." if internal else "Reply sent.")


@login_required
@require_POST
def change_status(request, number):
    ticket = _ticket(request, number)
    status = request.POST.get("status", "")
    return _run(
        request,
        number,
        lambda: workflow.transition(
            ticket, status, acting_user=request.user, note=request.POST.get("note", "")
        ),
        f"Status: {Status(status).label}." if status in Status.values else "",
    )


@login_required
@require_POST
def assign(request, number):
    ticket = _ticket(request, number)
    team = _team(request)
    assignee_id = request.POST.get("assignee", "")
    if assignee_id == "me":
        assignee = request.user
    elif queries.whole_number(assignee_id) is not None:
        assignee = User.objects.filter(pk=queries.whole_number(assignee_id)).first()
    elif assignee_id == "none":
        assignee = None
    else:
        assignee = False
    return _run(
        request,
        number,
        lambda: triage.assign(ticket, acting_user=request.user, team=team, assignee=assignee),
        "Assignment saved.",
    )


@login_required
@require_POST
def escalate(request, number):
    ticket = _ticket(request, number)
    team = _team(request)
    return _run(
        request,
        number,
        lambda: triage.escalate(
            ticket, acting_user=request.user, reason=request.POST.get("reason", ""), team=team
        ),
        "Escalated.",
    )


@login_required
@require_POST
def priority(request, number):
    ticket = _ticket(request, number)
    return _run(
        request,
        number,
        lambda: triage.change_priority(
            ticket,
            acting_user=request.user,
            impact=request.POST.get("impact"),
            urgency=request.POST.get("urgency"),
            priority=request.POST.get("priority"),
            reason=request.POST.get("reason", ""),
        ),
        "Priority updated.",
    )


@login_required
@require_POST
def rerun_rules(request, number):
    ticket = _ticket(request, number)
    return _run(
        request,
        number,
        lambda: triage.rerun_rules(ticket, acting_user=request.user),
        "Routing rules re-run.",
    )


@login_required
@require_POST
def decide(request, number, approved):
    ticket = _ticket(request, number)
    operation = workflow.approve if approved else workflow.reject
    return _run(
        request,
        number,
        lambda: operation(ticket, acting_user=request.user, note=request.POST.get("note", "")),
        "Approved." if approved else "Rejected.",
    )


@login_required
@require_POST
def attach(request, number):
    ticket = _ticket(request, number)

    def operation():
        uploads = request.FILES.getlist("file")
        if not uploads:
            raise ValidationError({"file": ["Choose a file."]})
        for upload in uploads:
            conversation.add_attachment(ticket, acting_user=request.user, upload=upload)

    return _run(request, number, operation, "File attached.")


@login_required
def rate(request, number):
    ticket = _ticket(request, number)
    if request.method == "POST":
        try:
            conversation.rate(
                ticket,
                acting_user=request.user,
                score=request.POST.get("score"),
                comment=request.POST.get("comment", ""),
            )
        except (ValidationError, StateConflict, PermissionDenied) as exc:
            messages.error(request, _error_text(exc))
            return redirect("tickets:rate", number)
        messages.success(request, "Thank you for rating this ticket.")
        return redirect("tickets:detail", number)
    return render(
        request,
        "tickets/rate.html",
        {
            "ticket": ticket,
            "can_rate": conversation.can_rate(request.user, ticket),
            "scores": range(1, 6),
        },
    )


@login_required
def download_attachment(request, pk):
    attachment = permissions.get_visible_or_404(
        permissions.visible_comments(Attachment.objects.all(), request.user), request.user, pk=pk
    )
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404("The file is missing.") from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.filename,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def queue_counts(user):
    """Open tickets per status, for the home page and the queue header."""
    return dict(
        queries.ticket_list(user)
        .filter(status__in=OPEN_STATUSES)
        .values_list("status")
        .annotate(n=Count("pk"))
    )
