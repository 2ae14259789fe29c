"""Thin serializers: shapes per shared/API.md; every write goes through a catalog operation."""

from django.db import transaction
from rest_framework import serializers

from catalog import calendars, editing, knowledge, lifecycle, subscriptions
from catalog.business_time import format_hhmm
from catalog.models import (
    Article,
    BusinessCalendar,
    ChecklistItem,
    Lifecycle,
    RequestType,
    Service,
    ServiceLevel,
    Subscription,
)
from catalog.wording import hours_in_words, sla_in_words
from sso import permissions
from sso.api.fields import CodeOrIdRelatedField
from sso.models import Agency, Team, User


def _user(serializer):
    return serializer.context["request"].user


class HoursSerializer(serializers.Serializer):
    weekday = serializers.IntegerField(min_value=0, max_value=6)
    start = serializers.CharField(max_length=5)
    end = serializers.CharField(max_length=5)

    def to_representation(self, hours):
        return {
            "weekday": hours.weekday,
            "start": format_hhmm(hours.start_minute),
            "end": format_hhmm(hours.end_minute),
        }


class HolidaySerializer(serializers.Serializer):
    date = serializers.DateField()
    name = serializers.CharField(max_length=120)


class CalendarSerializer(serializers.ModelSerializer):
    hours = HoursSerializer(many=True, required=False)
    holidays = HolidaySerializer(many=True, required=False)
    hours_summary = serializers.SerializerMethodField()

    class Meta:
        model = BusinessCalendar
        fields = ["id", "name", "timezone", "description", "hours", "holidays", "hours_summary"]
        # Uniqueness is checked by the operation's full_clean (one query, clear message).
        extra_kwargs = {"name": {"validators": []}}

    def get_hours_summary(self, calendar) -> str:
        return hours_in_words(calendar.hours.all())

    def _save(self, calendar, validated):
        hours = validated.pop("hours", None)
        holidays = validated.pop("holidays", None)
        return calendars.save_calendar(
            calendar,
            acting_user=_user(self),
            hours=[dict(row) for row in hours] if hours is not None else None,
            holidays=[dict(row) for row in holidays] if holidays is not None else None,
            **validated,
        )

    def create(self, validated_data):
        return self._save(None, validated_data)

    def update(self, instance, validated_data):
        return self._save(instance, validated_data)


class HolidayImportSerializer(serializers.Serializer):
    country = serializers.CharField(max_length=3, default="US")
    subdivision = serializers.CharField(max_length=10, required=False, allow_blank=True)
    year_from = serializers.IntegerField()
    year_to = serializers.IntegerField()


class ServiceSerializer(serializers.ModelSerializer):
    owner_team = serializers.PrimaryKeyRelatedField(
        queryset=Team.objects.all(), allow_null=True, required=False
    )
    service_manager = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(agency__isnull=True), allow_null=True, required=False
    )
    calendar = serializers.PrimaryKeyRelatedField(
        queryset=BusinessCalendar.objects.all(), allow_null=True, required=False
    )
    lifecycle_state = serializers.ChoiceField(
        choices=[Lifecycle.PROPOSED, Lifecycle.DESIGN], required=False
    )

    class Meta:
        model = Service
        fields = [
            "id",
            "code",
            "name",
            "category",
            "description",
            "lifecycle_state",
            "lifecycle_changed_at",
            "owner_team",
            "service_manager",
            "manager_accepted_at",
            "calendar",
            "has_standard_sop",
            "sop_link",
            "sop_version",
            "sop_date",
        ]
        read_only_fields = ["lifecycle_changed_at", "manager_accepted_at"]
        extra_kwargs = {"code": {"validators": []}, "name": {"validators": []}}

    def to_representation(self, service):
        data = super().to_representation(service)
        data["lifecycle_state"] = service.lifecycle_state
        return data

    def create(self, validated_data):
        return editing.save_service(None, acting_user=_user(self), **validated_data)

    def update(self, instance, validated_data):
        return editing.save_service(instance, acting_user=_user(self), **validated_data)


class LifecycleSerializer(serializers.Serializer):
    state = serializers.CharField()


class ChecklistItemSerializer(serializers.ModelSerializer):
    service = CodeOrIdRelatedField(queryset=Service.objects.all())
    approver = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(agency__isnull=True, is_active=True),
        allow_null=True,
        required=False,
    )

    class Meta:
        model = ChecklistItem
        fields = [
            "id",
            "service",
            "name",
            "approver",
            "signed_off_by",
            "signed_off_at",
            "note",
        ]
        read_only_fields = ["signed_off_by", "signed_off_at", "note"]
        validators = []

    def create(self, validated_data):
        return lifecycle.save_checklist_item(None, acting_user=_user(self), **validated_data)

    def update(self, instance, validated_data):
        return lifecycle.save_checklist_item(instance, acting_user=_user(self), **validated_data)


class SignOffSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class ArticleSerializer(serializers.ModelSerializer):
    service = CodeOrIdRelatedField(queryset=Service.objects.all())
    body_html = serializers.SerializerMethodField()

    class Meta:
        model = Article
        fields = [
            "id",
            "service",
            "title",
            "body",
            "body_html",
            "audience",
            "is_service_desk_document",
            "version",
            "author",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["version", "author", "created_at", "updated_at"]

    def get_body_html(self, article) -> str:
        return str(knowledge.render_markdown(article.body))

    def create(self, validated_data):
        return knowledge.save_article(None, acting_user=_user(self), **validated_data)

    def update(self, instance, validated_data):
        return knowledge.save_article(instance, acting_user=_user(self), **validated_data)


class RequestTypeSerializer(serializers.ModelSerializer):
    service = CodeOrIdRelatedField(queryset=Service.objects.all())
    fields = serializers.JSONField(required=False)
    default_team = serializers.PrimaryKeyRelatedField(
        queryset=Team.objects.all(), allow_null=True, required=False
    )

    class Meta:
        model = RequestType
        fields = [
            "id",
            "service",
            "name",
            "description",
            "fields",
            "default_kind",
            "default_priority",
            "default_team",
            "requires_approval",
            "is_automated",
            "is_active",
        ]
        validators = []

    def create(self, validated_data):
        return editing.save_request_type(None, acting_user=_user(self), **validated_data)

    def update(self, instance, validated_data):
        return editing.save_request_type(instance, acting_user=_user(self), **validated_data)


class ServiceLevelSerializer(serializers.ModelSerializer):
    service = CodeOrIdRelatedField(queryset=Service.objects.all())
    request_type = serializers.PrimaryKeyRelatedField(
        queryset=RequestType.objects.all(), allow_null=True, required=False
    )
    summary = serializers.SerializerMethodField()

    class Meta:
        model = ServiceLevel
        fields = [
            "id",
            "service",
            "request_type",
            "priority",
            "response_minutes",
            "resolution_minutes",
            "compliance_target_pct",
            "credit_pct",
            "summary",
        ]
        validators = []

    def get_summary(self, sla) -> str:
        return sla_in_words(sla)

    def create(self, validated_data):
        return editing.save_sla(None, acting_user=_user(self), **validated_data)

    def update(self, instance, validated_data):
        return editing.save_sla(instance, acting_user=_user(self), **validated_data)


class SubscriptionSerializer(serializers.ModelSerializer):
    agency = CodeOrIdRelatedField(queryset=Agency.objects.all(), required=False)
    service = CodeOrIdRelatedField(queryset=Service.objects.all())

    class Meta:
        model = Subscription
        fields = [
            "id",
            "agency",
            "service",
            "quantity",
            "start_date",
            "end_date",
            "status",
            "requested_by",
            "decided_by",
            "decided_at",
            "decision_note",
            "created_at",
        ]
        read_only_fields = [
            "status",
            "requested_by",
            "decided_by",
            "decided_at",
            "decision_note",
            "created_at",
        ]
        validators = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None and "agency" in self.fields:
            # Another agency is "does not exist" to an agency user, as everywhere else.
            self.fields["agency"].queryset = permissions.visible_agencies(request.user)

    def validate(self, attrs):
        if self.instance is None and "agency" not in attrs:
            user = _user(self)
            if user.agency_id is None:
                raise serializers.ValidationError({"agency": ["Say which agency subscribes."]})
            attrs["agency"] = user.agency
        return attrs

    def create(self, validated_data):
        return subscriptions.request_subscription(acting_user=_user(self), **validated_data)

    @transaction.atomic
    def update(self, instance, validated_data):
        for fixed in ("agency", "service"):
            value = validated_data.pop(fixed, None)
            if value is not None and value != getattr(instance, fixed):
                raise serializers.ValidationError(
                    {fixed: ["This cannot be changed on an existing subscription."]}
                )
        return subscriptions.change_subscription(
            instance, acting_user=_user(self), **validated_data
        )


class SubscriptionDecisionSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
