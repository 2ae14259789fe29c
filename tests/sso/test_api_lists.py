"""sso.api.lists: the row reader answers exactly what DRF's ListSerializer answers."""

import pytest
from rest_framework import serializers

from sso.api.lists import RowReaderListSerializer, _reader
from sso.api.serializers import AgencySerializer, TeamSerializer
from sso.models import Agency, Team
from tests.factories import Role, make_agency, make_team, make_user

pytestmark = pytest.mark.django_db


def _both(serializer_class, instances):
    drf = serializer_class(instances, many=True).data
    fast = RowReaderListSerializer(instances, child=serializer_class()).data
    return [dict(row) for row in drf], [dict(row) for row in fast]


def test_same_answer_as_drf():
    make_agency()
    make_agency(end_user_count=0)
    team = make_team(lead=make_user(Role.AGENT))
    team.members.add(team.lead)
    make_team(tier=2)
    for serializer_class, model in ((AgencySerializer, Agency), (TeamSerializer, Team)):
        drf, fast = _both(serializer_class, list(model.objects.all()))
        assert fast == drf and drf


def test_only_plain_columns_and_foreign_keys_skip_drf():
    class Odd(serializers.ModelSerializer):
        shouting = serializers.SerializerMethodField()
        name = serializers.CharField()
        lead = serializers.PrimaryKeyRelatedField(read_only=True)
        lead_name = serializers.CharField(source="lead.username", read_only=True)

        class Meta:
            model = Team
            fields = ["id", "name", "tier", "lead", "lead_name", "members", "shouting"]

        def get_shouting(self, team):
            return team.name.upper()

    fields = Odd().fields
    kinds = {name: _reader(field, Team)[0] for name, field in fields.items()}
    assert kinds == {
        "id": "value",
        "name": "value",
        "tier": "value",
        "lead": "fk",
        "lead_name": "drf",
        "members": "drf",
        "shouting": "drf",
    }
