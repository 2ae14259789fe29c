from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from simple_history.admin import SimpleHistoryAdmin

from sso.models import Agency, OnboardingEvent, RoleGrant, Team, User


class OnboardingEventInline(admin.TabularInline):
    model = OnboardingEvent
    extra = 0
    readonly_fields = ["status", "changed_at", "changed_by", "note"]
    can_delete = False


@admin.register(Agency)
class AgencyAdmin(SimpleHistoryAdmin):
    list_display = [
        "code",
        "name",
        "level",
        "end_user_count",
        "onboarding_status",
        "onboarding_status_changed_at",
    ]
    list_filter = ["level", "onboarding_status"]
    search_fields = ["code", "name"]
    inlines = [OnboardingEventInline]


class RoleGrantInline(admin.TabularInline):
    model = RoleGrant
    extra = 1


@admin.register(User)
class UserAdmin(DjangoUserAdmin, SimpleHistoryAdmin):
    list_display = ["username", "email", "first_name", "last_name", "agency", "is_active"]
    list_filter = ["agency", "is_active", "role_grants__role"]
    list_select_related = ["agency"]
    fieldsets = (*DjangoUserAdmin.fieldsets, ("Organization", {"fields": ("agency", "fte")}))
    inlines = [RoleGrantInline]


@admin.register(Team)
class TeamAdmin(SimpleHistoryAdmin):
    list_display = ["name", "tier", "lead", "email"]
    list_filter = ["tier"]
    filter_horizontal = ["members"]


@admin.register(RoleGrant)
class RoleGrantAdmin(SimpleHistoryAdmin):
    list_display = ["user", "role", "granted_at"]
    list_filter = ["role"]
