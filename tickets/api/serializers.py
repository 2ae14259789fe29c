from collections import defaultdict

from django.db import models, transaction
from django.urls import reverse
from rest_framework import serializers
from rest_framework.relations import MANY_RELATION_KWARGS

from catalog.models import RequestType, Service
from sso.api.fields import CodeOrIdRelatedField, DateTimeField
from sso.api.lists import RowReaderListSerializer
from sso.models import Agency, Team, User
from tickets import triage, workflow
from tickets.models import Attachment, Comment, SatisfactionRating, Status, Tag, Ticket, TicketEvent

CLOCK_FIELDS = [
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
]


class _PageValues(list):
    """A page's to-many values, already in their answer form (ids, tag names)."""


class _PageManyRelatedField(serializers.ManyRelatedField):
    """A to-many field that answers what ``TicketListSerializer`` read for the whole page.

    Going through the relation costs a related manager and a queryset per row and field
    (about a fifth of a 500-row page) even when the rows were prefetched.
    """

    def get_attribute(self, instance):
        page_values = getattr(instance, "_page_values", None)
        if page_values is not None:
            return _PageValues(page_values[self.field_name])
        return super().get_attribute(instance)

    def to_representation(self, iterable):
        if isinstance(iterable, _PageValues):
            return list(iterable)
        return super().to_representation(iterable)


class _PageAwareMany:
    @classmethod
    def many_init(cls, *args, **kwargs):
        list_kwargs = {"child_relation": cls(*args, **kwargs)}
        list_kwargs.update({k: v for k, v in kwargs.items() if k in MANY_RELATION_KWARGS})
        return _PageManyRelatedField(**list_kwargs)


class _WatchersField(_PageAwareMany, serializers.PrimaryKeyRelatedField):
    pass


class _TagsField(_PageAwareMany, serializers.SlugRelatedField):
    pass


class TicketListSerializer(RowReaderListSerializer):
    """Many tickets: their tags and watchers read in one query each for the whole page.

    The same two queries a prefetch makes, in the prefetch's order (tag name, username), but
    as plain values instead of model instances behind a manager per row.
    """

    def to_representation(self, data):
        tickets = list(data.all() if isinstance(data, models.manager.BaseManager) else data)
        ids = [ticket.pk for ticket in tickets]
        tags = defaultdict(list)
        watchers = defaultdict(list)
        if ids:
            pairs = Ticket.tags.through.objects.filter(ticket_id__in=ids)
            for ticket_id, name in pairs.order_by("tag__name").values_list(
                "ticket_id", "tag__name"
            ):
                tags[ticket_id].append(name)
            pairs = Ticket.watchers.through.objects.filter(ticket_id__in=ids)
            for ticket_id, user_id in pairs.order_by("user__username").values_list(
                "ticket_id", "user_id"
            ):
                watchers[ticket_id].append(user_id)
        for ticket in tickets:
            ticket._page_values = {"tags": tags[ticket.pk], "watchers": watchers[ticket.pk]}
        return super().to_representation(tickets)


class TicketSerializer(serializers.ModelSerializer):
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DateTimeField: DateTimeField,
    }
    agency = CodeOrIdRelatedField(queryset=Agency.objects.all(), required=False)
    service = CodeOrIdRelatedField(queryset=Service.objects.all())
    request_type = serializers.PrimaryKeyRelatedField(
        queryset=RequestType.objects.all(), required=False, allow_null=True
    )
    requester = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.all(), required=False, allow_null=True
    )
    team = serializers.PrimaryKeyRelatedField(
        queryset=Team.objects.all(), required=False, allow_null=True
    )
    assignee = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(agency__isnull=True), required=False, allow_null=True
    )
    impact = serializers.IntegerField(min_value=1, max_value=3, required=False)
    urgency = serializers.IntegerField(min_value=1, max_value=3, required=False)
    priority = serializers.IntegerField(min_value=1, max_value=4, required=False)
    fields = serializers.JSONField(required=False)
    watchers = _WatchersField(queryset=User.objects.all(), many=True, required=False)
    tags = _TagsField(slug_field="name", many=True, required=False, queryset=Tag.objects.all())
    opened_at = DateTimeField(
        required=False, help_text="Integrators only: a legacy opening time (past, with offset)."
    )
    url = serializers.SerializerMethodField()

    class Meta:
        model = Ticket
        list_serializer_class = TicketListSerializer
        fields = [
            "id",
            "number",
            "agency",
            "requester",
            "service",
            "request_type",
            "kind",
            "title",
            "description",
            "impact",
            "urgency",
            "priority",
            "status",
            "team",
            "assignee",
            "tier",
            "fields",
            "watchers",
            "tags",
            "reopen_count",
            *CLOCK_FIELDS,
            "sla",
            "created_at",
            "updated_at",
            "url",
        ]
        read_only_fields = [
            "number",
            "status",
            "tier",
            "reopen_count",
            *[f for f in CLOCK_FIELDS if f != "opened_at"],
            "sla",
            "created_at",
            "updated_at",
        ]

    def get_url(self, ticket) -> str:
        return ticket.page_url

    def to_internal_value(self, data):
        # Tags are free text: unknown ones are created by the operation, not rejected here.
        tags = None
        if hasattr(data, "get") and "tags" in data:
            data = data.copy()
            tags = data.pop("tags")
            if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
                raise serializers.ValidationError({"tags": ["Give a list of tag names."]})
        value = super().to_internal_value(data)
        if tags is not None:
            value["tags"] = tags
        return value

    def create(self, validated_data):
        user = self.context["request"].user
        for field in ("team", "assignee"):
            if validated_data.get(field) is not None:
                raise serializers.ValidationError(
                    {field: ["Assign after filing (PATCH); routing rules pick the team."]}
                )
        validated_data.pop("team", None)
        validated_data.pop("assignee", None)
        return workflow.create_ticket(acting_user=user, **validated_data)

    @transaction.atomic
    def update(self, ticket, validated_data):
        """PATCH goes through the operations, so the clock, timeline and history stay right."""
        user = self.context["request"].user
        unknown = set(validated_data) - {
            "title",
            "description",
            "tags",
            "watchers",
            "impact",
            "urgency",
            "priority",
            "team",
            "assignee",
            "service",
            "request_type",
        }
        if unknown:
            raise serializers.ValidationError(
                {name: ["This field cannot be changed here."] for name in sorted(unknown)}
            )
        details = {k: validated_data[k] for k in ("title", "description") if k in validated_data}
        if details or "tags" in validated_data or "watchers" in validated_data:
            triage.update_details(
                ticket,
                acting_user=user,
                tags=validated_data.get("tags"),
                watchers=validated_data.get("watchers"),
                **details,
            )
        if "service" in validated_data and validated_data["service"].pk != ticket.service_id:
            triage.change_service(
                ticket,
                acting_user=user,
                service=validated_data["service"],
                request_type=validated_data.get("request_type"),
            )
        levels = {
            k: validated_data[k] for k in ("impact", "urgency", "priority") if k in validated_data
        }
        if levels:
            triage.change_priority(ticket, acting_user=user, **levels)
        if "team" in validated_data or "assignee" in validated_data:
            triage.assign(
                ticket,
                acting_user=user,
                team=validated_data.get("team"),
                assignee=validated_data.get("assignee", False),
            )
        return Ticket.objects.get(pk=ticket.pk)


class TransitionSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Status.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    at = serializers.DateTimeField(
        required=False, help_text="Integrators only: when it happened (legacy import)."
    )


class DecisionSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class EscalationSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=5000)
    team = serializers.PrimaryKeyRelatedField(
        queryset=Team.objects.all(), required=False, allow_null=True
    )


class CommentSerializer(serializers.ModelSerializer):
    author = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.all(),
        required=False,
        help_text="Integrators only: the legacy author (a user id).",
    )
    created_at = serializers.DateTimeField(
        required=False, help_text="Integrators only: the legacy time (past, with offset)."
    )
    body = serializers.CharField(max_length=50_000)

    class Meta:
        model = Comment
        fields = ["id", "ticket", "author", "body", "internal", "created_at", "imported"]
        read_only_fields = ["ticket", "imported"]


class AttachmentSerializer(serializers.ModelSerializer):
    file = serializers.FileField(write_only=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = [
            "id",
            "ticket",
            "comment",
            "filename",
            "size",
            "content_type",
            "internal",
            "uploaded_by",
            "uploaded_at",
            "file",
            "download_url",
        ]
        read_only_fields = [
            "ticket",
            "filename",
            "size",
            "content_type",
            "internal",
            "uploaded_by",
            "uploaded_at",
        ]

    def get_download_url(self, attachment) -> str:
        return reverse("ticket-attachment-download", args=[attachment.ticket_id, attachment.pk])


class EventSerializer(serializers.ModelSerializer):
    class Meta:
        model = TicketEvent
        fields = ["id", "kind", "at", "actor", "from_status", "to_status", "note", "data"]


class RatingSerializer(serializers.ModelSerializer):
    score = serializers.IntegerField(min_value=1, max_value=5)

    class Meta:
        model = SatisfactionRating
        fields = ["score", "comment", "rated_by", "created_at"]
        read_only_fields = ["rated_by", "created_at"]
