from django.urls import path

from tickets import compliance_views

app_name = "compliance"

urlpatterns = [
    path("", compliance_views.compliance_page, name="page"),
    path("export.csv", compliance_views.compliance_csv, name="csv"),
]
