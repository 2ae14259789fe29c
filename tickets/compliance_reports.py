"""Read-side of SLA compliance: the queries the compliance page, its chart and CSV share.

Everything starts from ``sso.permissions.visible`` so an agency user only ever sums their
own agency's rows.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Sum

from sso import permissions
from tickets import compliance
from tickets.compliance_models import (
    Metric,
    SlaComplianceDay,
    SlaComplianceMonth,
    TeamComplianceDay,
)


@dataclass
class ReportFilters:
    first_month: date
    last_month: date
    metric: str | None = None  # None: both metrics (the CSV); the page picks one
    service_id: int | None = None
    agency_id: int | None = None
    priority: int | None = None


def default_months(count: int = 6) -> tuple[date, date]:
    last = compliance.month_start(compliance.today_local())
    first = last
    for _ in range(count - 1):
        first = compliance.month_start(first - timedelta(days=1))
    return first, last


def _filtered(queryset, filters: ReportFilters, *, date_field: str, first: date, last: date):
    queryset = queryset.filter(**{f"{date_field}__gte": first, f"{date_field}__lte": last})
    if filters.metric:
        queryset = queryset.filter(metric=filters.metric)
    if filters.service_id:
        queryset = queryset.filter(service_id=filters.service_id)
    if filters.agency_id:
        queryset = queryset.filter(agency_id=filters.agency_id)
    if filters.priority:
        queryset = queryset.filter(priority=filters.priority)
    return queryset


def _month_rows(user, filters: ReportFilters):
    """The month rows the user may see, narrowed by the report's filters."""
    return _filtered(
        permissions.visible(SlaComplianceMonth.objects.all(), user),
        filters,
        date_field="month",
        first=filters.first_month,
        last=filters.last_month,
    )


def monthly_by_service(user, filters: ReportFilters) -> list[dict]:
    """One row per month, service and priority, summed over the agencies the user may see."""
    rows = _month_rows(user, filters)
    summed = (
        rows.values("month", "service__code", "service__name", "priority")
        .annotate(met=Sum("met"), breached=Sum("breached"))
        .order_by("service__code", "priority", "month")
    )
    targets = {
        (code, priority): target
        for code, priority, target in rows.values_list(
            "service__code", "priority", "target_pct"
        ).distinct()
    }
    result = []
    for row in summed:
        row["compliance_pct"] = compliance.percent(row["met"], row["breached"])
        row["target_pct"] = targets.get((row["service__code"], row["priority"]))
        row["target_met"] = (
            None if row["target_pct"] is None else row["compliance_pct"] >= row["target_pct"]
        )
        result.append(row)
    return result


def overall_by_month(user, filters: ReportFilters) -> list[dict]:
    rows = _month_rows(user, filters)
    out = []
    for row in (
        rows.values("month").annotate(met=Sum("met"), breached=Sum("breached")).order_by("month")
    ):
        row["compliance_pct"] = compliance.percent(row["met"], row["breached"])
        out.append(row)
    return out


def team_by_month(user, filters: ReportFilters) -> list[dict]:
    queryset = permissions.visible(TeamComplianceDay.objects.all(), user)
    first, last = filters.first_month, compliance.next_month(filters.last_month) - timedelta(days=1)
    queryset = queryset.filter(date__gte=first, date__lte=last)
    if filters.service_id:
        queryset = queryset.filter(service_id=filters.service_id)
    if filters.priority:
        queryset = queryset.filter(priority=filters.priority)
    from django.db.models.functions import TruncMonth

    out = []
    for row in (
        queryset.annotate(month=TruncMonth("date"))
        .values("month", "team__name")
        .annotate(met=Sum("met"), breached=Sum("breached"))
        .order_by("team__name", "month")
    ):
        row["compliance_pct"] = compliance.percent(row["met"], row["breached"])
        out.append(row)
    return out


def _series(user, filters: ReportFilters) -> tuple[str, dict[str, dict[date, list[int]]]]:
    """Per service: met and breached by month, or by day when one month is chosen."""
    series: dict[str, dict[date, list[int]]] = {}
    if filters.first_month == filters.last_month:
        rows = (
            daily_rows(user, filters)
            .values("date", "service__code")
            .annotate(n_met=Sum("met"), n_breached=Sum("breached"))
            .order_by()
        )
        for row in rows:
            pair = series.setdefault(row["service__code"], {}).setdefault(row["date"], [0, 0])
            pair[0] += row["n_met"]
            pair[1] += row["n_breached"]
        return "day", series
    for row in monthly_by_service(user, filters):
        pair = series.setdefault(row["service__code"], {}).setdefault(row["month"], [0, 0])
        pair[0] += row["met"]
        pair[1] += row["breached"]
    return "month", series


def chart_json(user, filters: ReportFilters) -> str:
    """A plotly figure (JSON): compliance per service by month, or by day for one month."""
    import plotly.graph_objects as go

    unit, series = _series(user, filters)
    label = "%Y-%m-%d" if unit == "day" else "%Y-%m"
    figure = go.Figure()
    for code, points in sorted(series.items()):
        xs = sorted(points)
        figure.add_trace(
            go.Scatter(
                x=[x.strftime(label) for x in xs],
                y=[float(compliance.percent(*points[x])) for x in xs],
                mode="lines+markers",
                name=code,
            )
        )
    figure.update_layout(
        yaxis={"title": "compliance %", "range": [0, 101]},
        xaxis={"title": unit, "type": "category"},
        margin={"l": 50, "r": 10, "t": 10, "b": 40},
        height=360,
        legend={"orientation": "h"},
    )
    return figure.to_json()


def daily_rows(user, filters: ReportFilters):
    last = compliance.next_month(filters.last_month) - timedelta(days=1)
    return (
        _filtered(
            permissions.visible(SlaComplianceDay.objects.all(), user),
            filters,
            date_field="date",
            first=filters.first_month,
            last=last,
        )
        .select_related("service", "agency")
        .order_by("date", "service__code", "agency__code", "priority")
    )


def export_csv(user, filters: ReportFilters) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        ["date", "service", "agency", "priority", "metric", "met", "breached", "compliance_pct"]
    )
    for row in daily_rows(user, filters).iterator(chunk_size=2000):
        writer.writerow(
            [
                row.date.isoformat(),
                row.service.code,
                row.agency.code,
                row.priority,
                row.metric,
                row.met,
                row.breached,
                f"{row.compliance_pct:.2f}",
            ]
        )
    return buffer.getvalue()


def last_month_for_service(user, service) -> dict | None:
    """Last calendar month's response and resolution compliance for one service, summed over
    the agencies the user may see; None when the month has no figures."""
    month = compliance.month_start(
        compliance.month_start(compliance.today_local()) - timedelta(days=1)
    )
    rows = (
        permissions.visible(SlaComplianceMonth.objects.filter(service=service, month=month), user)
        .values("metric")
        .annotate(met=Sum("met"), breached=Sum("breached"))
        .order_by()
    )
    figures = {"month": month}
    for row in rows:
        figures[row["metric"]] = {
            "compliance_pct": compliance.percent(row["met"], row["breached"]),
            "total": row["met"] + row["breached"],
        }
    if len(figures) == 1:
        return None
    empty = {"compliance_pct": None, "total": 0}
    figures.setdefault(Metric.RESPONSE, empty)
    figures.setdefault(Metric.RESOLUTION, empty)
    return figures
