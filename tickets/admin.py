from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from tickets.models import (
    Attachment,
    Comment,
    PriorityMatrixEntry,
    RoutingRule,
    SatisfactionRating,
    SavedView,
    Tag,
    TeamAssignment,
    Ticket,
    TicketEvent,
)


class CommentInline(admin.TabularInline):
    model = Comment
    extra = 0
    fields = ["author", "internal", "body", "created_at"]
    readonly_fields = fields
    can_delete = False


class EventInline(admin.TabularInline):
    model = TicketEvent
    extra = 0
    fields = ["at", "kind", "actor", "from_status", "to_status", "note"]
    readonly_fields = fields
    can_delete = False


@admin.register(Ticket)
class TicketAdmin(SimpleHistoryAdmin):
    list_display = [
        "number",
        "title",
        "agency",
        "service",
        "priority",
        "status",
        "team",
        "assignee",
        "opened_at",
        "resolution_due_at",
        "resolution_breached",
    ]
    list_filter = ["status", "priority", "kind", "response_breached", "resolution_breached"]
    search_fields = ["number", "title"]
    list_select_related = ["agency", "service", "team", "assignee"]
    raw_id_fields = ["requester", "assignee", "watchers", "request_type", "sla"]
    # The clock is written by tickets.sla only; editing it here would make reports lie.
    readonly_fields = [
        "number",
        "opened_at",
        "first_response_at",
        "resolved_at",
        "closed_at",
        "response_due_at",
        "resolution_due_at",
        "response_breached",
        "resolution_breached",
        "paused_minutes",
        "response_paused_minutes",
        "paused_since",
        "status",
    ]
    inlines = [EventInline, CommentInline]
    show_full_result_count = False


@admin.register(Comment)
class CommentAdmin(SimpleHistoryAdmin):
    list_display = ["ticket", "author", "internal", "created_at"]
    list_filter = ["internal"]
    raw_id_fields = ["ticket", "author"]


@admin.register(RoutingRule)
class RoutingRuleAdmin(SimpleHistoryAdmin):
    list_display = ["position", "name", "is_active", "service", "kind", "set_team", "set_priority"]
    list_display_links = ["name"]
    list_editable = ["position", "is_active"]


@admin.register(PriorityMatrixEntry)
class PriorityMatrixAdmin(SimpleHistoryAdmin):
    list_display = ["impact", "urgency", "priority"]


@admin.register(SatisfactionRating)
class SatisfactionRatingAdmin(admin.ModelAdmin):
    list_display = ["ticket", "score", "rated_by", "created_at"]
    raw_id_fields = ["ticket", "rated_by"]


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ["filename", "ticket", "size", "content_type", "uploaded_by", "uploaded_at"]
    raw_id_fields = ["ticket", "comment", "uploaded_by"]


@admin.register(TeamAssignment)
class TeamAssignmentAdmin(admin.ModelAdmin):
    list_display = ["ticket", "team", "started_at", "ended_at"]
    raw_id_fields = ["ticket"]


admin.site.register(Tag)
admin.site.register(SavedView)
