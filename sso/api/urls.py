"""The API router. Each app adds its viewsets in its own api/urls.py ``register(router)``."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from sso.api.views import AgencyViewSet, ObtainTokenView, TeamViewSet, UserViewSet

router = DefaultRouter()
router.register("agencies", AgencyViewSet)
router.register("teams", TeamViewSet)
router.register("users", UserViewSet)

urlpatterns = [
    path("auth/token/", ObtainTokenView.as_view(), name="api-token"),
    path("", include(router.urls)),
]
