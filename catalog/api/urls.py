"""This app's API endpoints, registered on the one router in sso/api/urls.py."""

from catalog.api import views


def register(router):
    router.register("calendars", views.CalendarViewSet)
    router.register("services", views.ServiceViewSet)
    router.register("checklist-items", views.ChecklistItemViewSet)
    router.register("articles", views.ArticleViewSet)
    router.register("request-types", views.RequestTypeViewSet)
    router.register("slas", views.ServiceLevelViewSet)
    router.register("subscriptions", views.SubscriptionViewSet)
