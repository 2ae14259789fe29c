from django.contrib.auth import authenticate
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from sso import organization
from sso.api.filters import AgencyFilter, TeamFilter, UserFilter
from sso.api.serializers import (
    AgencySerializer,
    TeamSerializer,
    TokenRequestSerializer,
    TokenSerializer,
    UserSerializer,
)
from sso.api.viewsets import TenantScopedViewSet
from sso.models import Agency, Team, User


class AgencyViewSet(TenantScopedViewSet):
    queryset = Agency.objects.prefetch_related("onboarding_events")
    serializer_class = AgencySerializer
    filterset_class = AgencyFilter
    ordering_fields = ["code", "name", "end_user_count"]
    http_method_names = ["get", "post", "patch", "put", "head", "options"]


class TeamViewSet(TenantScopedViewSet):
    queryset = Team.objects.select_related("lead").prefetch_related("members")
    serializer_class = TeamSerializer
    filterset_class = TeamFilter
    ordering_fields = ["tier", "name"]


class UserViewSet(TenantScopedViewSet):
    queryset = (
        User.objects.select_related("agency")
        .prefetch_related("role_grants", "teams")
        .order_by("username")
    )
    serializer_class = UserSerializer
    filterset_class = UserFilter
    ordering_fields = ["username", "last_name"]
    http_method_names = ["get", "post", "patch", "put", "head", "options"]

    @action(detail=False, methods=["get"])
    def me(self, request):
        """The signed-in user, with roles and agency."""
        return Response(self.get_serializer(request.user).data)

    me.operation_checks_roles = True

    def get_queryset(self):
        return (
            super().get_queryset().distinct()
            if "role" in self.request.query_params
            else super().get_queryset()
        )


class TokenThrottle(AnonRateThrottle):
    rate = "30/min"


class ObtainTokenView(APIView):
    """Trade a username and password for an API key (``Authorization: Token <key>``)."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [TokenThrottle]

    @extend_schema(request=TokenRequestSerializer, responses={200: TokenSerializer})
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = authenticate(
            request,
            username=serializer.validated_data["username"],
            password=serializer.validated_data["password"],
        )
        if user is None or not user.is_active:
            return Response(
                {"detail": "Unable to sign in with those credentials."},
                status=status.HTTP_400_BAD_REQUEST,
            )
        return Response({"token": organization.issue_api_token(user)})
