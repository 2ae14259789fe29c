"""sso.pagination: deferred-join pages give Django's pages; slow counts are remembered briefly."""

import pytest
from django.core.paginator import Paginator
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL

from sso import pagination
from sso.models import User
from tests.factories import make_agency, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    agencies = [make_agency(), make_agency()]
    for i in range(11):
        make_user(agency=agencies[i % 2], username=f"p{i:02d}")


def _pages(paginator_class, queryset, per_page=3):
    paginator = paginator_class(queryset, per_page)
    return [
        [(user.pk, user.agency.code) for user in paginator.page(number)]
        for number in paginator.page_range
    ]


def _page_sql(queryset, django_assert_num_queries):
    paginator = pagination.DeferredJoinPaginator(queryset, 3)
    paginator.count  # noqa: B018 - counted first, outside the page's query
    with django_assert_num_queries(1) as captured:
        list(paginator.page(2))
    return captured.captured_queries[0]["sql"]


@pytest.mark.parametrize(
    "ordering", [("username",), ("-username",), ("agency__code", "-pk"), ("-date_joined", "pk")]
)
def test_same_pages_as_django(people, ordering, django_assert_num_queries):
    queryset = (
        User.objects.select_related("agency")
        .filter(agency__isnull=False, username__startswith="p")
        .order_by(*ordering)
    )
    assert _pages(pagination.DeferredJoinPaginator, queryset) == _pages(Paginator, queryset)
    assert " IN (SELECT " in _page_sql(queryset, django_assert_num_queries)


def test_orderings_with_ties_and_raw_sql_are_sliced_as_before(people, django_assert_num_queries):
    ties = User.objects.select_related("agency").filter(agency__isnull=False).order_by("agency")
    raw = (
        User.objects.select_related("agency")
        .filter(RawSQL("sso_user.username LIKE %s", ("p%",), output_field=BooleanField()))
        .order_by("username")
    )
    for queryset in (ties, raw, ties.distinct()):
        assert " IN (SELECT " not in _page_sql(queryset, django_assert_num_queries)
    assert _pages(pagination.DeferredJoinPaginator, raw) == _pages(Paginator, raw)


def test_only_slow_counts_are_remembered(people, monkeypatch):
    queryset = User.objects.filter(username__startswith="p")
    assert pagination.exact_count(queryset) == 11
    make_user(username="p11")
    assert pagination.exact_count(queryset) == 12  # fast: counted every time

    monkeypatch.setattr(pagination, "SLOW_COUNT_SECONDS", 0)
    assert pagination.exact_count(queryset) == 12
    make_user(username="p12")
    assert pagination.exact_count(queryset) == 12  # the exact count of a moment ago
    assert pagination.exact_count(queryset.filter(is_active=True)) == 13  # other SQL, own count
    assert pagination.exact_count(queryset.none()) == 0
