from rest_framework.pagination import PageNumberPagination


class StandardPagination(PageNumberPagination):
    """``?page=N&page_size=M`` with M at most 500, answering count/next/previous/results."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
