"""Pages of large lists: the one paginator behind the list pages and the API.

``DeferredJoinPaginator`` is Django's ``Paginator`` with one change in how a page's rows are
read. A page ``OFFSET n LIMIT m`` of a query with ``select_related`` joins makes PostgreSQL
join (or sort) every skipped row; at a deep page of a large table that is most of the time.
Instead the page's primary keys are taken from the bare, filtered and ordered table (which an
index on the ordering answers without touching the joins), and only those rows are read with
their joins:

    SELECT ... FROM t JOIN ... WHERE t.id IN (SELECT id FROM t WHERE <filters>
                                              ORDER BY <ordering> LIMIT m OFFSET n)
    ORDER BY <ordering>

One query, as before, with the same rows in the same order. Querysets this cannot rewrite
safely (DISTINCT, annotations, raw SQL, ``extra()``, unions, ``values()``, an ordering that
does not end in a unique column, plain lists) are sliced as Django does.
"""

import contextlib
import hashlib
import time

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet, FieldDoesNotExist
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.query import ModelIterable
from django.utils.functional import cached_property


def _ordering(queryset: QuerySet):
    query = queryset.query
    if query.order_by:
        return tuple(query.order_by)
    if query.default_ordering and queryset.model._meta.ordering:
        return tuple(queryset.model._meta.ordering)
    return ()


def _expressions(node):
    yield node
    for child in node.get_source_expressions() if hasattr(node, "get_source_expressions") else ():
        if child is not None:
            yield from _expressions(child)


def _has_raw_sql(query) -> bool:
    """Raw SQL may name the table itself, which is wrong once the query is a subquery."""
    nodes = [query.where, *(e for e in query.order_by if hasattr(e, "get_source_expressions"))]
    return any(isinstance(e, RawSQL) for node in nodes for e in _expressions(node))


def _is_total(queryset, ordering) -> bool:
    """Does the ordering end in a unique column, so every row has one place in it?

    Otherwise ties fall where the plan puts them, and a different plan (the deferred join's)
    would show them in another order: such lists are sliced as before.
    """
    last = ordering[-1]
    if not isinstance(last, str):
        return False
    name = last.removeprefix("-")
    if name == "pk":
        return True
    try:
        field = queryset.model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return field.primary_key or field.unique


def _can_defer(queryset) -> bool:
    if not isinstance(queryset, QuerySet) or queryset._iterable_class is not ModelIterable:
        return False
    query = queryset.query
    return not (
        query.distinct
        or query.is_sliced
        or query.combinator
        or query.annotations
        or query.extra
        or query.extra_order_by
        or query.select_for_update
        or not _ordering(queryset)
        or not _is_total(queryset, _ordering(queryset))
        or _has_raw_sql(query)
        or not connections[queryset.db].features.allow_sliced_subqueries_with_in
    )


def page_rows(queryset, bottom: int, top: int):
    """Rows ``bottom:top`` of ``queryset``, with its joins and prefetches, by a deferred join."""
    if not _can_defer(queryset):
        return queryset[bottom:top]
    model = queryset.model
    ids = queryset.values("pk")[bottom:top]
    rows = model._base_manager.db_manager(queryset.db).filter(pk__in=ids)
    rows.query.select_related = queryset.query.select_related
    rows.query.deferred_loading = queryset.query.deferred_loading
    rows = rows.order_by(*_ordering(queryset))
    if queryset._prefetch_related_lookups:
        rows = rows.prefetch_related(*queryset._prefetch_related_lookups)
    return rows


# Counting every matching row is exact but not free: the whole provider-wide list (a million
# tickets) or a full-text search matching a tenth of them takes 40-300 ms however it is indexed.
# A count that took longer than SLOW_COUNT_SECONDS is remembered for COUNT_CACHE_SECONDS, keyed
# by the exact SQL and parameters of the query (so by the filters and by the caller's tenancy,
# which is part of the WHERE clause). It is the exact count of a moment at most that long ago,
# never an estimate; cheap counts are never cached. README.md ("API") says so for integrators.
COUNT_CACHE_SECONDS = 30
SLOW_COUNT_SECONDS = 0.02


def exact_count(queryset) -> int:
    """``queryset.count()``, remembered for a few seconds when it is slow (see above)."""
    if not isinstance(queryset, QuerySet):
        return len(queryset)
    try:
        sql, params = queryset.order_by().query.sql_with_params()
    except EmptyResultSet:
        return 0
    database = connections[queryset.db].settings_dict.get("NAME")
    key = "list-count:" + hashlib.sha256(repr((database, sql, params)).encode()).hexdigest()
    try:
        cached = cache.get(key)
    except Exception:  # the cache is an optimisation; a list never fails because it is down
        cached = None
    if cached is not None:
        return cached
    started = time.monotonic()
    count = queryset.count()
    if time.monotonic() - started >= SLOW_COUNT_SECONDS:
        with contextlib.suppress(Exception):  # as above
            cache.set(key, count, COUNT_CACHE_SECONDS)
    return count


class DeferredJoinPaginator(Paginator):
    """Django's paginator, reading each page's rows by a deferred join (see the module)."""

    @cached_property
    def count(self):
        return exact_count(self.object_list)

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return self._get_page(page_rows(self.object_list, bottom, top), number, self)
