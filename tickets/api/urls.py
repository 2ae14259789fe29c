"""This app's API endpoints, registered on the one router in sso/api/urls.py."""

from tickets.api.views import TicketViewSet


def register(router):
    router.register("tickets", TicketViewSet)
