"""The API router. Each app adds its viewsets in its own api/urls.py ``register(router)``."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from catalog.api.urls import register as register_catalog
from sso.api.views import AgencyViewSet, ObtainTokenView, TeamViewSet, UserViewSet
from tickets.api.urls import register as register_tickets

router = DefaultRouter()
router.register("agencies", AgencyViewSet)
router.register("teams", TeamViewSet)
router.register("users", UserViewSet)
register_catalog(router)
register_tickets(router)

urlpatterns = [
    path("auth/token/", ObtainTokenView.as_view(), name="api-token"),
    path("", include(router.urls)),
]
