"""Request-wide settings that belong to the platform rather than to one app."""

from datetime import UTC

from django.utils import timezone


class ApiAnswersInUtcMiddleware:
    """API answers give times in UTC (API.md), whatever TIME_ZONE the pages use."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/"):
            timezone.activate(UTC)
            try:
                return self.get_response(request)
            finally:
                timezone.deactivate()
        return self.get_response(request)
