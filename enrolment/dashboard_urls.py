"""/admin/tableau-de-bord/…: the staff dashboard and the activity report (any staff member, see dashboard_views)."""

from django.contrib import admin
from django.urls import path

from . import dashboard_views as views

urlpatterns = [
    path("", admin.site.admin_view(views.dashboard_view), name="dashboard"),
    path("bilan/", admin.site.admin_view(views.activity_report_view), name="activity_report"),
    path("bilan.csv", admin.site.admin_view(views.activity_report_csv), name="activity_report_csv"),
    path("<slug:key>.csv", admin.site.admin_view(views.dashboard_csv), name="dashboard_csv"),
]
