"""The catalogue's addresses at the root of the site: the home page and the invitation links."""

from django.urls import path

from . import invitation_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("invitation/<str:token>/", invitation_views.follow, name="invitation"),
]
