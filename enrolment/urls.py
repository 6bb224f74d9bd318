from django.urls import path

from . import views

app_name = "enrolment"

urlpatterns = [
    path("", views.my_dossiers, name="list"),
    path("session/<int:session_pk>/nouveau/", views.start, name="start"),
]
