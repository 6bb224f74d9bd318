from django.urls import path

from . import views

app_name = "trainings"

urlpatterns = [
    path("", views.search, name="search"),
    path("<int:pk>-<slug:slug>/", views.detail, name="detail"),
]
