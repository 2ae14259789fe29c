from rest_framework.pagination import PageNumberPagination

from sso.pagination import DeferredJoinPaginator


class StandardPagination(PageNumberPagination):
    """``?page=N&page_size=M`` with M at most 500, answering count/next/previous/results.

    Pages are read by a deferred join (``sso.pagination``), so a deep page costs about what
    the first one does.
    """

    django_paginator_class = DeferredJoinPaginator
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
