from django.db import transaction
from rest_framework import serializers

from sso import organization
from sso.api.fields import CodeOrIdRelatedField
from sso.models import Agency, OnboardingEvent, Role, Team, User


class OnboardingEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = OnboardingEvent
        fields = ["status", "changed_at", "changed_by", "note"]


class AgencySerializer(serializers.ModelSerializer):
    onboarding_history = OnboardingEventSerializer(
        source="onboarding_events", many=True, read_only=True
    )

    class Meta:
        model = Agency
        fields = [
            "id",
            "code",
            "name",
            "level",
            "end_user_count",
            "onboarding_status",
            "onboarding_status_changed_at",
            "onboarding_history",
            "fund_code",
            "timezone",
        ]
        read_only_fields = ["onboarding_status_changed_at"]

    def create(self, validated_data):
        return organization.create_agency(
            acting_user=self.context["request"].user, **validated_data
        )

    @transaction.atomic
    def update(self, instance, validated_data):
        status = validated_data.pop("onboarding_status", None)
        for name, value in validated_data.items():
            setattr(instance, name, value)
        instance.full_clean()
        instance.save()
        if status is not None and status != instance.onboarding_status:
            organization.set_onboarding_status(
                agency=instance, status=status, acting_user=self.context["request"].user
            )
        return instance


class TeamSerializer(serializers.ModelSerializer):
    members = serializers.PrimaryKeyRelatedField(
        many=True, queryset=User.objects.filter(agency__isnull=True), required=False
    )
    lead = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(agency__isnull=True), allow_null=True, required=False
    )

    class Meta:
        model = Team
        fields = ["id", "name", "tier", "email", "lead", "members"]


class UserSerializer(serializers.ModelSerializer):
    agency = CodeOrIdRelatedField(queryset=Agency.objects.all(), allow_null=True, required=False)
    roles = serializers.ListField(
        child=serializers.ChoiceField(choices=Role.choices), source="role_codes", required=False
    )
    teams = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Team.objects.all(), required=False
    )
    password = serializers.CharField(
        write_only=True, required=False, style={"input_type": "password"}
    )

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "email",
            "first_name",
            "last_name",
            "agency",
            "roles",
            "teams",
            "fte",
            "is_active",
            "password",
        ]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["roles"] = sorted(instance.role_codes)
        return data

    def create(self, validated_data):
        roles = validated_data.pop("role_codes", [])
        return organization.create_user(
            acting_user=self.context["request"].user, roles=roles, **validated_data
        )

    def update(self, instance, validated_data):
        roles = validated_data.pop("role_codes", None)
        teams = validated_data.pop("teams", None)
        password = validated_data.pop("password", None)
        return organization.update_user(
            acting_user=self.context["request"].user,
            user=instance,
            roles=roles,
            teams=teams,
            password=password,
            **validated_data,
        )


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()
