from django.urls import path

from catalog import views

app_name = "catalog"

urlpatterns = [
    path("", views.browse, name="browse"),
    path("services/new/", views.service_edit, name="service-new"),
    path("services/<str:code>/", views.service_detail, name="service"),
    path("services/<str:code>/edit/", views.service_edit, name="service-edit"),
    path("services/<str:code>/transition/", views.service_gate, name="gate"),
    path("services/<str:code>/lifecycle/", views.service_lifecycle, name="lifecycle"),
    path("services/<str:code>/accept/", views.service_accept, name="accept"),
    path("services/<str:code>/checklist/", views.checklist_add, name="checklist-add"),
    path("services/<str:code>/slas/", views.sla_edit, name="slas"),
    path(
        "services/<str:code>/request-types/new/", views.request_type_edit, name="request-type-new"
    ),
    path("services/<str:code>/articles/new/", views.article_edit, name="article-new"),
    path("services/<str:code>/subscribe/", views.subscribe, name="subscribe"),
    path("checklist/<int:pk>/sign-off/", views.checklist_sign_off, name="sign-off"),
    path("request-types/<int:pk>/", views.request_type_detail, name="request-type"),
    path("request-types/<int:pk>/edit/", views.request_type_edit, name="request-type-edit"),
    path("calendars/", views.calendar_list, name="calendars"),
    path("calendars/new/", views.calendar_edit, name="calendar-new"),
    path("calendars/<int:pk>/", views.calendar_edit, name="calendar-edit"),
    path("calendars/<int:pk>/import/", views.calendar_import, name="calendar-import"),
    path("subscriptions/", views.subscription_list, name="subscriptions"),
    path(
        "subscriptions/<int:pk>/<str:decision>/",
        views.subscription_decide,
        name="subscription-decide",
    ),
    path("knowledge/", views.knowledge_search, name="knowledge"),
    path("articles/<int:pk>/", views.article_detail, name="article"),
    path("articles/<int:pk>/edit/", views.article_edit, name="article-edit"),
]
