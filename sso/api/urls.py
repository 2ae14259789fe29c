"""The API router. Each app adds its viewsets in its own api/urls.py ``register(router)``."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from catalog.api.urls import register as register_catalog
from sso.api.views import AgencyViewSet, ObtainTokenView, TeamViewSet, UserViewSet
from tickets.api.compliance import register as register_compliance
from tickets.api.urls import register as register_tickets
from tickets.api.webhooks import register as register_webhooks

router = DefaultRouter()
router.register("agencies", AgencyViewSet)
router.register("teams", TeamViewSet)
router.register("users", UserViewSet)
register_catalog(router)
register_tickets(router)
register_compliance(router)
register_webhooks(router)

urlpatterns = [
    path("auth/token/", ObtainTokenView.as_view(), name="api-token"),
    path("", include(router.urls)),
]
