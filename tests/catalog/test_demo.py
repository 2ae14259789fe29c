import pytest

from catalog import demo
from catalog.forms_schema import validate_definition
from catalog.lifecycle import gate_status
from catalog.models import BusinessCalendar, Category, Lifecycle, RequestType, Service, Subscription
from sso import demo as sso_demo

pytestmark = pytest.mark.django_db


def test_demo_catalog_is_complete_consistent_and_idempotent():
    sso_demo.seed()
    demo.seed()
    counts = (Service.objects.count(), Subscription.objects.count(), RequestType.objects.count())
    demo.seed()
    assert (
        Service.objects.count(),
        Subscription.objects.count(),
        RequestType.objects.count(),
    ) == counts
    assert Service.objects.count() >= 25
    assert set(Service.objects.values_list("category", flat=True)) == set(Category.values)
    assert set(Service.objects.values_list("lifecycle_state", flat=True)) == set(Lifecycle.values)
    assert BusinessCalendar.objects.filter(timezone="America/Denver").exists()
    assert BusinessCalendar.objects.get(name="Eastern office hours").holidays.count() >= 20
    for request_type in RequestType.objects.all():
        assert validate_definition(request_type.fields) == request_type.fields
    for service in Service.objects.filter(lifecycle_state="live"):
        assert gate_status(service) == [], service.code
    for service in Service.objects.filter(lifecycle_state="transition"):
        assert gate_status(service), service.code
    assert Subscription.objects.filter(status="requested").exists()
