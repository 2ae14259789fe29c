"""The one base class for API viewsets: tenancy, roles and optimistic concurrency.

A viewset that derives from ``TenantScopedViewSet`` gets its queryset narrowed by
``sso.permissions.visible`` (so another agency's record is a 404) and answers 412 when a
PATCH/PUT carries a stale ``If-Match``. ``tests/sso/test_api_tenancy.py`` fails for any
registered endpoint that does not derive from it.
"""

import hashlib
import json

from django.core.serializers.json import DjangoJSONEncoder
from rest_framework import mixins, viewsets

from sso import permissions
from sso.api.errors import PreconditionFailed


def etag_for(data) -> str:
    digest = hashlib.sha256(
        json.dumps(data, sort_keys=True, cls=DjangoJSONEncoder).encode()
    ).hexdigest()
    return f'"{digest[:32]}"'


class ETagMixin:
    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        response["ETag"] = etag_for(response.data)
        return response

    def update(self, request, *args, **kwargs):
        expected = request.headers.get("If-Match")
        if expected:
            current = etag_for(self.get_serializer(self.get_object()).data)
            if expected.strip() not in ("*", current):
                raise PreconditionFailed()
        response = super().update(request, *args, **kwargs)
        if response.status_code == 200:
            response["ETag"] = etag_for(response.data)
        return response


class TenantScopedMixin:
    def get_queryset(self):
        return permissions.visible(super().get_queryset(), self.request.user)


class TenantScopedViewSet(TenantScopedMixin, ETagMixin, viewsets.ModelViewSet):
    pass


class TenantScopedReadOnlyViewSet(TenantScopedMixin, ETagMixin, viewsets.ReadOnlyModelViewSet):
    pass


class TenantScopedCreateReadViewSet(
    TenantScopedMixin,
    ETagMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.ReadOnlyModelViewSet,
):
    """Create, read and change, but no delete: for records whose history must stay."""
