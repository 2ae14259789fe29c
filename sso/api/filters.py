import django_filters

from sso.models import Agency, Role, Team, User


class AgencyFilter(django_filters.FilterSet):
    class Meta:
        model = Agency
        fields = ["code", "level", "onboarding_status"]


class TeamFilter(django_filters.FilterSet):
    class Meta:
        model = Team
        fields = ["tier", "name"]


class UserFilter(django_filters.FilterSet):
    agency = django_filters.CharFilter(method="filter_agency")
    role = django_filters.ChoiceFilter(choices=Role.choices, field_name="role_grants__role")
    team = django_filters.NumberFilter(field_name="teams")

    class Meta:
        model = User
        fields = ["username", "is_active"]

    def filter_agency(self, queryset, name, value):
        if value.isdigit():
            return queryset.filter(agency_id=int(value))
        return queryset.filter(agency__code=value)
