"""Catalog pages. Thin: parse the form, call one catalog operation, show the result or errors.

Operations raise ValidationError (form errors), PermissionDenied (403 page) and
StateConflict (a message saying why the state forbids it)."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_POST

from catalog import calendars, editing, knowledge, lifecycle, subscriptions
from catalog.errors import GoLiveBlocked
from catalog.forms import (
    ArticleForm,
    BrowseForm,
    CalendarForm,
    ChecklistItemForm,
    FormFieldFormSet,
    HolidayImportForm,
    LifecycleForm,
    NoteForm,
    RequestTypeForm,
    ServiceForm,
    SLARowForm,
    SubscriptionForm,
    add_errors,
    build_request_form,
    rows_from_definition,
)
from catalog.forms_schema import validate_values
from catalog.lifecycle import PRIORITIES
from catalog.models import (
    Article,
    BusinessCalendar,
    Category,
    ChecklistItem,
    Lifecycle,
    RequestType,
    Service,
    ServiceLevel,
    Subscription,
    SubscriptionStatus,
)
from catalog.wording import PRIORITY_NAMES, hours_in_words, sla_in_words
from sso import permissions
from sso.errors import StateConflict
from sso.models import Agency


def optional_url(name: str, query: str = "") -> str | None:
    """The URL of a page another app may not have built yet (tickets:new), else None."""
    try:
        return reverse(name) + query
    except NoReverseMatch:
        return None


def _services(user):
    return permissions.visible_services(Service.objects.all(), user)


def _service_or_404(user, code) -> Service:
    return permissions.get_visible_or_404(
        permissions.visible_services(Service.objects.all(), user), user, code=code
    )


def _require_editor(user):
    if not permissions.can_edit_catalog(user):
        raise PermissionDenied("Only service owners and administrators change the catalog.")


# --- browse and read -----------------------------------------------------------------------


@login_required
def browse(request):
    form = BrowseForm(request.GET or None)
    services = _services(request.user).select_related("owner_team")
    query = category = ""
    if form.is_valid():
        query = form.cleaned_data["q"].strip()
        category = form.cleaned_data["category"]
    if query:
        services = services.filter(
            Q(name__icontains=query)
            | Q(code__icontains=query)
            | Q(description__icontains=query)
            | Q(request_types__name__icontains=query)
        ).distinct()
    if category:
        services = services.filter(category=category)
    state = request.GET.get("state", "")
    if state in Lifecycle.values:
        services = services.filter(lifecycle_state=state)
    elif not permissions.is_provider(request.user):
        services = services.filter(lifecycle_state=Lifecycle.LIVE)
    counts = dict(
        _services(request.user)
        .filter(lifecycle_state=Lifecycle.LIVE)
        .values_list("category")
        .annotate(n=Count("id"))
    )
    return render(
        request,
        "catalog/browse.html",
        {
            "services": services.annotate(request_type_count=Count("request_types")),
            "form": form,
            "query": query,
            "category": category,
            "state": state,
            "categories": [
                (value, label, counts.get(value, 0)) for value, label in Category.choices
            ],
            "states": Lifecycle.choices if permissions.is_provider(request.user) else [],
            "can_edit": permissions.can_edit_catalog(request.user),
        },
    )


def last_month_figures(user, service):
    from tickets.compliance_reports import last_month_for_service

    return last_month_for_service(user, service)


@login_required
def service_detail(request, code):
    user = request.user
    service = _service_or_404(user, code)
    if service.calendar_id:
        service = (
            Service.objects.select_related("owner_team", "service_manager", "calendar")
            .prefetch_related("calendar__hours", "calendar__holidays")
            .get(pk=service.pk)
        )
    slas = ServiceLevel.objects.filter(service=service).select_related("request_type")
    request_types = service.request_types.filter(is_active=True)
    live = service.lifecycle_state == Lifecycle.LIVE
    can_subscribe = live and user.agency_id and subscriptions.can_request(user, user.agency_id)
    my_subscriptions = (
        Subscription.objects.filter(agency_id=user.agency_id, service=service)
        if user.agency_id
        else Subscription.objects.none()
    )
    return render(
        request,
        "catalog/service_detail.html",
        {
            "service": service,
            "sla_rows": [
                {
                    "sla": sla,
                    "priority": PRIORITY_NAMES[sla.priority],
                    "words": sla_in_words(sla),
                }
                for sla in slas
            ],
            "support_hours": hours_in_words(service.calendar.hours.all())
            if service.calendar_id
            else "",
            "upcoming_holidays": service.calendar.holidays.filter(date__gte=date.today())[:5]
            if service.calendar_id
            else [],
            "request_types": request_types,
            "articles": permissions.visible_articles(service.articles.all(), user),
            "is_live": live,
            "last_month": last_month_figures(user, service),
            "new_ticket_url": optional_url("tickets:new", f"?service={service.code}")
            if live
            else None,
            "can_subscribe": can_subscribe,
            "my_subscriptions": my_subscriptions,
            "can_edit": permissions.can_edit_catalog(user),
            "can_write_articles": knowledge.can_write_articles(user),
            "is_provider": permissions.is_provider(user),
        },
    )


@login_required
def request_type_detail(request, pk):
    """The request form as requesters will see it, validated exactly as the API validates it."""
    request_type = get_object_or_404(
        permissions.visible_services(
            RequestType.objects.select_related("service"), request.user, "service"
        ),
        pk=pk,
    )
    form_class = build_request_form(request_type.fields)
    form = form_class(request.POST or None)
    cleaned = None
    if request.method == "POST" and form.is_valid():
        try:
            cleaned = validate_values(
                request_type.fields,
                {k: v for k, v in request.POST.items() if k in form.fields},
            )
        except ValidationError as exc:
            add_errors(form, exc)
    return render(
        request,
        "catalog/request_type_detail.html",
        {
            "request_type": request_type,
            "service": request_type.service,
            "form": form,
            "cleaned": cleaned,
            "can_edit": permissions.can_edit_catalog(request.user),
        },
    )


# --- service owners: services ----------------------------------------------------------------


def _service_values(form) -> dict:
    values = dict(form.cleaned_data)
    document = values.pop("sop_document", None)
    if document is False:
        values["sop_document"] = ""
    elif document:
        values["sop_document"] = document
    return values


@login_required
def service_edit(request, code=None):
    _require_editor(request.user)
    service = _service_or_404(request.user, code) if code else None
    form = ServiceForm(request.POST or None, request.FILES or None, instance=service)
    if request.method == "POST" and form.is_valid():
        original = Service.objects.get(pk=service.pk) if service else None
        try:
            saved = editing.save_service(
                original, acting_user=request.user, **_service_values(form)
            )
        except ValidationError as exc:
            add_errors(form, exc)
        except StateConflict as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"{saved.name} saved.")
            return redirect("catalog:service", code=saved.code)
    return render(request, "catalog/service_form.html", {"form": form, "service": service})


@login_required
def service_gate(request, code):
    """The transition checklist: what the gate needs, who signs what, and the lifecycle moves."""
    service = _service_or_404(request.user, code)
    if not permissions.is_provider(request.user):
        raise PermissionDenied("The transition checklist is the provider's.")
    return render(request, "catalog/service_gate.html", _gate_context(request, service))


def _gate_context(request, service, item_form=None):
    checks = lifecycle.gate_checks(service)
    return {
        "service": service,
        "checks": checks,
        "ready": all(c.met for c in checks),
        "missing": [c.missing for c in checks if not c.met],
        "items": service.checklist_items.select_related("approver", "signed_off_by"),
        "moves": [(state, Lifecycle(state).label) for state in lifecycle.allowed_moves(service)],
        "item_form": item_form or ChecklistItemForm(),
        "can_edit": permissions.can_edit_catalog(request.user),
        "is_manager": service.service_manager_id == request.user.pk,
    }


@login_required
@require_POST
def service_lifecycle(request, code):
    service = _service_or_404(request.user, code)
    form = LifecycleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a lifecycle state.")
        return redirect("catalog:gate", code=code)
    try:
        service = lifecycle.change_lifecycle(
            service, form.cleaned_data["state"], acting_user=request.user
        )
    except GoLiveBlocked as exc:
        messages.error(request, str(exc))
        context = _gate_context(request, service)
        context["blocked"] = exc.extra.get("missing", [])
        return render(request, "catalog/service_gate.html", context, status=409)
    except (StateConflict, ValidationError) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(
            request, f"{service.name} is now {service.get_lifecycle_state_display().lower()}."
        )
    return redirect("catalog:gate", code=code)


@login_required
@require_POST
def service_accept(request, code):
    service = _service_or_404(request.user, code)
    try:
        lifecycle.accept_service(service, acting_user=request.user)
    except StateConflict as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"You accepted {service.name} for operation.")
    return redirect("catalog:gate", code=code)


@login_required
@require_POST
def checklist_add(request, code):
    service = _service_or_404(request.user, code)
    form = ChecklistItemForm(request.POST)
    if form.is_valid():
        try:
            lifecycle.save_checklist_item(
                None, acting_user=request.user, service=service, **form.cleaned_data
            )
        except ValidationError as exc:
            add_errors(form, exc)
        except StateConflict as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"Added '{form.cleaned_data['name']}' to the checklist.")
            return redirect("catalog:gate", code=code)
    return render(
        request, "catalog/service_gate.html", _gate_context(request, service, form), status=400
    )


@login_required
@require_POST
def checklist_sign_off(request, pk):
    item = get_object_or_404(
        permissions.visible(ChecklistItem.objects.select_related("service"), request.user), pk=pk
    )
    form = NoteForm(request.POST)
    error = None
    if form.is_valid():
        try:
            item = lifecycle.sign_off(
                item, acting_user=request.user, note=form.cleaned_data["note"]
            )
        except (StateConflict, PermissionDenied) as exc:
            error = str(exc)
    if request.htmx:
        item = ChecklistItem.objects.select_related("approver", "signed_off_by").get(pk=item.pk)
        return render(
            request,
            "catalog/_checklist_row.html",
            {"item": item, "error": error, "user": request.user},
            status=200 if error is None else 403,
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, f"Signed off '{item.name}'.")
    return redirect("catalog:gate", code=item.service.code)


# --- service owners: request types, SLAs ------------------------------------------------------


@login_required
def request_type_edit(request, code=None, pk=None):
    _require_editor(request.user)
    if pk:
        request_type = get_object_or_404(RequestType.objects.select_related("service"), pk=pk)
        service = request_type.service
    else:
        request_type = None
        service = _service_or_404(request.user, code)
    form = RequestTypeForm(request.POST or None, instance=request_type)
    initial = rows_from_definition(request_type.fields) if request_type else []
    formset = FormFieldFormSet(request.POST or None, initial=initial, prefix="f")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        definition = [
            row.as_definition()
            for row in formset.forms
            if row.cleaned_data and not row.cleaned_data.get("DELETE") and row.as_definition()
        ]
        values = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            saved = editing.save_request_type(
                RequestType.objects.get(pk=request_type.pk) if request_type else None,
                acting_user=request.user,
                service=service,
                fields=definition,
                **values,
            )
        except ValidationError as exc:
            if "fields" in exc.message_dict:
                formset_errors = exc.message_dict.pop("fields")
                form.add_error(None, [f"Form: {m}" for m in formset_errors])
            for field, msgs in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, msgs)
        except StateConflict as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"Request type '{saved.name}' saved.")
            return redirect("catalog:request-type", pk=saved.pk)
    return render(
        request,
        "catalog/request_type_form.html",
        {"form": form, "formset": formset, "service": service, "request_type": request_type},
    )


@login_required
def sla_edit(request, code):
    _require_editor(request.user)
    service = _service_or_404(request.user, code)
    existing = {
        sla.priority: sla
        for sla in ServiceLevel.objects.filter(service=service, request_type__isnull=True)
    }
    forms_by_priority = []
    for priority in PRIORITIES:
        sla = existing.get(priority)
        initial = (
            {
                "response_minutes": sla.response_minutes,
                "resolution_minutes": sla.resolution_minutes,
                "compliance_target_pct": sla.compliance_target_pct,
                "credit_pct": sla.credit_pct,
            }
            if sla
            else {"compliance_target_pct": "90.00", "credit_pct": "0.00"}
        )
        form = SLARowForm(request.POST or None, initial=initial, prefix=f"p{priority}")
        forms_by_priority.append((priority, PRIORITY_NAMES[priority], form))
    error_list = []
    if request.method == "POST" and all(form.is_valid() for _, _, form in forms_by_priority):
        rows = [{"priority": p, **form.cleaned_data} for p, _, form in forms_by_priority]
        try:
            editing.save_slas(service, rows, acting_user=request.user)
        except ValidationError as exc:
            error_list = [f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items()]
        except StateConflict as exc:
            error_list = [str(exc)]
        else:
            messages.success(request, f"SLAs of {service.name} saved.")
            return redirect("catalog:service", code=service.code)
    return render(
        request,
        "catalog/sla_form.html",
        {"service": service, "rows": forms_by_priority, "error_list": error_list},
        status=400 if error_list else 200,
    )


# --- calendars ---------------------------------------------------------------------------------


@login_required
def calendar_list(request):
    if not permissions.is_provider(request.user):
        raise PermissionDenied("Calendars are maintained by the provider.")
    calendars_qs = permissions.visible(
        BusinessCalendar.objects.prefetch_related("hours").annotate(
            holiday_count=Count("holidays", distinct=True),
            service_count=Count("services", distinct=True),
        ),
        request.user,
    )
    rows = [(c, hours_in_words(c.hours.all())) for c in calendars_qs]
    return render(
        request,
        "catalog/calendar_list.html",
        {"rows": rows, "can_edit": permissions.can_edit_catalog(request.user)},
    )


@login_required
def calendar_edit(request, pk=None):
    _require_editor(request.user)
    calendar = (
        get_object_or_404(BusinessCalendar.objects.prefetch_related("hours", "holidays"), pk=pk)
        if pk
        else None
    )
    initial = CalendarForm.initial_for(calendar) if calendar else {}
    form = CalendarForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = calendars.save_calendar(
                calendar,
                acting_user=request.user,
                name=data["name"],
                timezone=data["timezone"],
                description=data["description"],
                hours=data["hours"],
                holidays=data["holidays"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"Calendar {saved.name} saved.")
            return redirect("catalog:calendar-edit", pk=saved.pk)
    return render(
        request,
        "catalog/calendar_form.html",
        {
            "form": form,
            "calendar": calendar,
            "import_form": HolidayImportForm(),
            "summary": hours_in_words(calendar.hours.all()) if calendar else "",
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def calendar_import(request, pk):
    _require_editor(request.user)
    calendar = get_object_or_404(BusinessCalendar, pk=pk)
    form = HolidayImportForm(request.POST)
    if form.is_valid():
        try:
            added = calendars.import_holidays(
                calendar, acting_user=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"Imported {added} holidays.")
            return redirect("catalog:calendar-edit", pk=pk)
    calendar = BusinessCalendar.objects.prefetch_related("hours", "holidays").get(pk=pk)
    return render(
        request,
        "catalog/calendar_form.html",
        {
            "form": CalendarForm(initial=CalendarForm.initial_for(calendar)),
            "calendar": calendar,
            "import_form": form,
            "summary": hours_in_words(calendar.hours.all()),
        },
        status=400,
    )


# --- subscriptions --------------------------------------------------------------------------


@login_required
def subscription_list(request):
    user = request.user
    rows = permissions.visible(
        Subscription.objects.select_related("agency", "service", "requested_by", "decided_by"),
        user,
    ).order_by("-created_at")
    status = request.GET.get("status", "")
    if status in SubscriptionStatus.values:
        rows = rows.filter(status=status)
    agency = None
    if permissions.is_provider(user) and request.GET.get("agency"):
        agency = Agency.objects.filter(code=request.GET["agency"]).first()
        if agency:
            rows = rows.filter(agency=agency)
    return render(
        request,
        "catalog/subscription_list.html",
        {
            "rows": rows,
            "status": status,
            "statuses": SubscriptionStatus.choices,
            "agency": agency or user.agency,
            "can_decide": subscriptions.can_decide(user),
            "is_provider": permissions.is_provider(user),
        },
    )


@login_required
def subscribe(request, code):
    user = request.user
    service = _service_or_404(user, code)
    if not user.agency_id or not subscriptions.can_request(user, user.agency_id):
        raise PermissionDenied("Subscriptions are requested by an approver of the agency.")
    form = SubscriptionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            subscriptions.request_subscription(
                agency=user.agency, service=service, acting_user=user, **form.cleaned_data
            )
        except ValidationError as exc:
            add_errors(form, exc)
        except StateConflict as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Subscription to {service.name} requested.")
            return redirect("catalog:subscriptions")
    return render(
        request,
        "catalog/subscribe.html",
        {"form": form, "service": service},
        status=400 if form.errors else 200,
    )


DECISIONS = {
    "approve": subscriptions.approve,
    "reject": subscriptions.reject,
    "cancel": subscriptions.cancel,
}


@login_required
@require_POST
def subscription_decide(request, pk, decision):
    if decision not in DECISIONS:
        raise PermissionDenied("Unknown decision.")
    subscription = permissions.get_visible_or_404(
        Subscription.objects.select_related("agency", "service"), request.user, pk=pk
    )
    form = NoteForm(request.POST)
    error = None
    if form.is_valid():
        try:
            subscription = DECISIONS[decision](
                subscription, acting_user=request.user, note=form.cleaned_data["note"]
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
        except (StateConflict, PermissionDenied) as exc:
            error = str(exc)
    if request.htmx:
        subscription = Subscription.objects.select_related(
            "agency", "service", "requested_by", "decided_by"
        ).get(pk=subscription.pk)
        return render(
            request,
            "catalog/_subscription_row.html",
            {
                "sub": subscription,
                "error": error,
                "can_decide": subscriptions.can_decide(request.user),
                "is_provider": permissions.is_provider(request.user),
            },
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, f"Subscription {subscription.get_status_display().lower()}.")
    return redirect("catalog:subscriptions")


# --- knowledge -----------------------------------------------------------------------------


@login_required
def knowledge_search(request):
    query = request.GET.get("q", "")
    results = list(knowledge.search_articles(query, request.user)[:50]) if query.strip() else []
    return render(request, "catalog/knowledge.html", {"query": query, "results": results})


@login_required
def article_detail(request, pk):
    article = get_object_or_404(
        permissions.visible_articles(
            Article.objects.select_related("service", "author"), request.user
        ),
        pk=pk,
    )
    return render(
        request,
        "catalog/article_detail.html",
        {
            "article": article,
            "html": knowledge.render_markdown(article.body),
            "can_write": knowledge.can_write_articles(request.user),
            "history": article.history.select_related("history_user").order_by("-history_date")[:10]
            if permissions.is_provider(request.user)
            else [],
        },
    )


@login_required
def article_edit(request, code=None, pk=None):
    if not knowledge.can_write_articles(request.user):
        raise PermissionDenied("Articles are written by provider staff.")
    article = (
        get_object_or_404(
            permissions.visible_articles(Article.objects.select_related("service"), request.user),
            pk=pk,
        )
        if pk
        else None
    )
    service = article.service if article else _service_or_404(request.user, code)
    form = ArticleForm(request.POST or None, instance=article)
    if request.method == "POST" and form.is_valid():
        try:
            saved = knowledge.save_article(
                Article.objects.get(pk=article.pk) if article else None,
                acting_user=request.user,
                service=service,
                **form.cleaned_data,
            )
        except ValidationError as exc:
            add_errors(form, exc)
        except StateConflict as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Article saved (version {saved.version}).")
            return redirect("catalog:article", pk=saved.pk)
    return render(
        request,
        "catalog/article_form.html",
        {"form": form, "service": service, "article": article},
        status=400 if form.errors else 200,
    )
