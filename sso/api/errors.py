"""Error shapes of the API contract: 400 ``{"field": [...]}`` or ``{"detail": ...}``,
401, 403, 404, 409, 412. Django's own ValidationError and PermissionDenied raised by the
operation functions are translated here, so operations need not know about HTTP."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError
from django.db.models import ProtectedError, RestrictedError
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from sso.errors import StateConflict


class Conflict(exceptions.APIException):
    """409: the record's state forbids the operation (closed period, invalid transition)."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = "The current state of this record does not allow that."
    default_code = "conflict"

    def __init__(self, detail=None, **extra):
        super().__init__(detail)
        self.extra = extra


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = (
        "The record changed since you read it (stale If-Match). Fetch it again and retry."
    )
    default_code = "precondition_failed"


def validation_error_payload(exc: DjangoValidationError):
    if hasattr(exc, "error_dict"):
        return {field: [str(m) for m in messages] for field, messages in exc.message_dict.items()}
    return {"detail": " ".join(str(m) for m in exc.messages)}


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        payload = validation_error_payload(exc)
        if "__all__" in payload:
            payload["non_field_errors"] = payload.pop("__all__")
        return Response(payload, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    if isinstance(exc, StateConflict):
        exc = Conflict(exc.detail, **exc.extra)
    if isinstance(exc, ProtectedError | RestrictedError):
        return Response(
            {"detail": "Other records still refer to this one; it cannot be deleted."},
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, DataError):
        # The database refused a value the validators let through (a NUL byte, an
        # out-of-range number): still the caller's input, so a 400, not a 500.
        return Response(
            {
                "detail": "A value in the request cannot be stored or searched (for example a NUL character)."
            },
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, IntegrityError):
        return Response(
            {"detail": "That conflicts with an existing record (a unique value is already taken)."},
            status=status.HTTP_409_CONFLICT,
        )
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, Conflict) and exc.extra:
        response.data = {"detail": response.data["detail"], **exc.extra}
    return response
