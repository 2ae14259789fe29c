from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from catalog.models import (
    Article,
    BusinessCalendar,
    ChecklistItem,
    ChecklistTemplateItem,
    Holiday,
    RequestType,
    Service,
    ServiceLevel,
    Subscription,
    WorkingHours,
)


class WorkingHoursInline(admin.TabularInline):
    model = WorkingHours
    extra = 0


class HolidayInline(admin.TabularInline):
    model = Holiday
    extra = 0


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(SimpleHistoryAdmin):
    list_display = ["name", "timezone", "description"]
    search_fields = ["name"]
    inlines = [WorkingHoursInline, HolidayInline]


@admin.register(WorkingHours)
class WorkingHoursAdmin(SimpleHistoryAdmin):
    list_display = ["calendar", "weekday", "start_minute", "end_minute"]
    list_filter = ["calendar"]
    list_select_related = ["calendar"]


@admin.register(Holiday)
class HolidayAdmin(SimpleHistoryAdmin):
    list_display = ["calendar", "date", "name"]
    list_filter = ["calendar"]
    list_select_related = ["calendar"]


class ServiceLevelInline(admin.TabularInline):
    model = ServiceLevel
    extra = 0


class ChecklistItemInline(admin.TabularInline):
    model = ChecklistItem
    extra = 0
    readonly_fields = ["signed_off_by", "signed_off_at"]


@admin.register(Service)
class ServiceAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "category", "lifecycle_state", "owner_team", "calendar"]
    list_filter = ["category", "lifecycle_state", "has_standard_sop"]
    list_select_related = ["owner_team", "calendar"]
    search_fields = ["code", "name"]
    # The lifecycle moves through catalog.lifecycle (the gate), not a plain edit.
    readonly_fields = ["lifecycle_state", "lifecycle_changed_at", "manager_accepted_at"]
    inlines = [ServiceLevelInline, ChecklistItemInline]


@admin.register(RequestType)
class RequestTypeAdmin(SimpleHistoryAdmin):
    list_display = ["name", "service", "default_kind", "default_priority", "requires_approval"]
    list_filter = ["default_kind", "requires_approval", "is_automated", "is_active"]
    list_select_related = ["service"]
    search_fields = ["name", "service__code"]


@admin.register(ServiceLevel)
class ServiceLevelAdmin(SimpleHistoryAdmin):
    list_display = [
        "service",
        "request_type",
        "priority",
        "response_minutes",
        "resolution_minutes",
        "compliance_target_pct",
        "credit_pct",
    ]
    list_filter = ["priority"]
    list_select_related = ["service", "request_type"]


@admin.register(Subscription)
class SubscriptionAdmin(SimpleHistoryAdmin):
    list_display = ["agency", "service", "quantity", "start_date", "end_date", "status"]
    list_filter = ["status", "agency"]
    list_select_related = ["agency", "service"]


@admin.register(ChecklistTemplateItem)
class ChecklistTemplateItemAdmin(SimpleHistoryAdmin):
    list_display = ["name", "default_approver", "position", "is_active"]
    list_editable = ["position", "is_active"]


@admin.register(ChecklistItem)
class ChecklistItemAdmin(SimpleHistoryAdmin):
    list_display = ["service", "name", "approver", "signed_off_by", "signed_off_at"]
    list_select_related = ["service", "approver", "signed_off_by"]
    readonly_fields = ["signed_off_by", "signed_off_at"]


@admin.register(Article)
class ArticleAdmin(SimpleHistoryAdmin):
    list_display = ["title", "service", "audience", "version", "updated_at"]
    list_filter = ["audience", "is_service_desk_document"]
    list_select_related = ["service"]
    search_fields = ["title", "body"]
