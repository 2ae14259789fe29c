from django.urls import path

from tickets import views

app_name = "tickets"

urlpatterns = [
    path("", views.my_tickets, name="mine"),
    path("agency/", views.agency_tickets, name="agency"),
    path("queue/", views.queue, name="queue"),
    path("dispatch/", views.dispatch, name="dispatch"),
    path("new/", views.new_ticket, name="new"),
    path("bulk/", views.bulk_action, name="bulk"),
    path("views/save/", views.save_view, name="save-view"),
    path("views/<int:pk>/delete/", views.delete_view, name="delete-view"),
    path("attachments/<int:pk>/", views.download_attachment, name="attachment"),
    path("<str:number>/", views.detail, name="detail"),
    path("<str:number>/reply/", views.reply, name="reply"),
    path("<str:number>/transition/", views.change_status, name="transition"),
    path("<str:number>/assign/", views.assign, name="assign"),
    path("<str:number>/escalate/", views.escalate, name="escalate"),
    path("<str:number>/priority/", views.priority, name="priority"),
    path("<str:number>/rerun-rules/", views.rerun_rules, name="rerun-rules"),
    path("<str:number>/approve/", views.decide, {"approved": True}, name="approve"),
    path("<str:number>/reject/", views.decide, {"approved": False}, name="reject"),
    path("<str:number>/attach/", views.attach, name="attach"),
    path("<str:number>/rate/", views.rate, name="rate"),
]
