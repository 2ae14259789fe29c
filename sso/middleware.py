"""Request-wide settings that belong to the platform rather than to one app."""

from datetime import UTC

from django.http import HttpResponseBadRequest, JsonResponse
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


class RejectNulCharactersMiddleware:
    """A NUL character in a query string or form field is never valid input, and PostgreSQL
    refuses it in any text comparison; answer 400 here instead of a 500 deep in a query."""

    message = "The request contains a NUL character, which no field accepts."

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._has_nul(request.GET) or (
            request.method == "POST"
            and request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data")
            and self._has_nul(request.POST)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": self.message}, status=400)
            return HttpResponseBadRequest(self.message)
        return self.get_response(request)

    @staticmethod
    def _has_nul(params) -> bool:
        return any(
            "\x00" in key or any("\x00" in value for value in params.getlist(key)) for key in params
        )
