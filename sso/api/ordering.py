from rest_framework.filters import OrderingFilter


class StableOrderingFilter(OrderingFilter):
    """``?ordering=priority`` with the primary key as the last tie-breaker.

    Without it, rows that tie (every P3 ticket) come back in whatever order the database
    likes, so page 2 can repeat or skip rows of page 1; with it, pages are stable and the
    deferred-join paginator can take its fast path.
    """

    def get_ordering(self, request, queryset, view):
        ordering = super().get_ordering(request, queryset, view)
        if not ordering:
            return ordering
        ordering = list(ordering)
        if not any(term.lstrip("-") in ("pk", "id") for term in ordering):
            ordering.append("-pk" if ordering[-1].startswith("-") else "pk")
        return ordering
