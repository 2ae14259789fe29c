from django.urls import path

from sso import views

app_name = "sso"

urlpatterns = [
    path("agencies/", views.agency_list, name="agency-list"),
    path("agencies/mine/", views.my_agency, name="my-agency"),
    path("agencies/<str:code>/", views.agency_detail, name="agency-detail"),
    path("agencies/<str:code>/status/", views.agency_set_status, name="agency-set-status"),
    path("teams/", views.team_list, name="team-list"),
    path("profile/", views.profile, name="profile"),
    path("profile/token/", views.profile_token, name="profile-token"),
]
