"""The SLA compliance page (provider: all agencies; agency staff: their own) and its CSV."""

from datetime import date

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from catalog.models import Service
from sso import permissions
from tickets import compliance_reports as reports
from tickets.compliance_models import Metric


class ComplianceFilterForm(forms.Form):
    month_from = forms.CharField(
        required=False, label="From month", widget=forms.TextInput(attrs={"type": "month"})
    )
    month_to = forms.CharField(
        required=False, label="To month", widget=forms.TextInput(attrs={"type": "month"})
    )
    # Resolution first: with no choice made the page shows resolution, and the select agrees.
    metric = forms.ChoiceField(
        choices=[(Metric.RESOLUTION, "Resolution"), (Metric.RESPONSE, "First response")],
        required=False,
    )
    service = forms.ModelChoiceField(
        queryset=Service.objects.none(),
        required=False,
        to_field_name="code",
        empty_label="All services",
    )
    agency = forms.ModelChoiceField(
        queryset=None, required=False, to_field_name="code", empty_label="All agencies"
    )
    priority = forms.TypedChoiceField(
        choices=[("", "All")] + [(p, f"P{p}") for p in range(1, 5)],
        coerce=int,
        required=False,
        empty_value=None,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = permissions.visible_services(
            Service.objects.order_by("code"), user
        )
        self.fields["agency"].queryset = permissions.visible_agencies(user)
        if not permissions.is_provider(user):
            del self.fields["agency"]
        for field in self.fields.values():
            css = (
                "form-select form-select-sm"
                if isinstance(field.widget, forms.Select)
                else "form-control form-control-sm"
            )
            field.widget.attrs["class"] = css

    @staticmethod
    def _month(value: str, field: str) -> date | None:
        if not value:
            return None
        try:
            year, month = (int(part) for part in value.split("-")[:2])
            return date(year, month, 1)
        except (TypeError, ValueError):
            raise forms.ValidationError({field: "Use a month like 2026-10."}) from None

    def clean(self):
        data = super().clean()
        default_first, default_last = reports.default_months()
        first = self._month(data.get("month_from"), "month_from") or default_first
        last = self._month(data.get("month_to"), "month_to") or default_last
        if last < first:
            raise forms.ValidationError({"month_to": "The last month is before the first."})
        if first > default_last:
            raise forms.ValidationError({"month_from": "That month has not started yet."})
        data["first"], data["last"] = first, last
        return data

    def report_filters(self) -> reports.ReportFilters:
        data = self.cleaned_data
        agency = data.get("agency")
        return reports.ReportFilters(
            first_month=data["first"],
            last_month=data["last"],
            metric=data.get("metric") or None,
            service_id=data["service"].pk if data.get("service") else None,
            agency_id=agency.pk if agency else None,
            priority=data.get("priority"),
        )


def _form(request):
    form = ComplianceFilterForm(request.GET or None, user=request.user)
    if request.GET and not form.is_valid():
        return form, None
    if not request.GET:
        form = ComplianceFilterForm({}, user=request.user)
        form.is_valid()
    return form, form.report_filters()


@login_required
def compliance_page(request):
    form, filters = _form(request)
    if filters is not None and filters.metric is None:
        filters.metric = Metric.RESOLUTION  # one metric at a time on the page and its chart
    context = {"form": form, "filters": filters}
    if filters is not None:
        from tickets.compliance_models import TeamComplianceDay

        context.update(
            rows=reports.monthly_by_service(request.user, filters),
            overall=reports.overall_by_month(request.user, filters),
            chart=reports.chart_json(request.user, filters),
            show_teams=permissions.can_view(request.user, TeamComplianceDay),
        )
        if context["show_teams"]:
            context["teams"] = reports.team_by_month(request.user, filters)
    return render(request, "tickets/compliance.html", context, status=200 if filters else 400)


@login_required
def compliance_csv(request):
    form, filters = _form(request)
    if filters is None:
        return HttpResponse(
            "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items()),
            status=400,
            content_type="text/plain",
        )
    response = HttpResponse(reports.export_csv(request.user, filters), content_type="text/csv")
    response["Content-Disposition"] = (
        f'attachment; filename="sla-compliance-{filters.first_month:%Y-%m}-{filters.last_month:%Y-%m}.csv"'
    )
    return response
