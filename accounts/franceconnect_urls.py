from django.urls import path

from . import franceconnect_views as views

app_name = "franceconnect"

urlpatterns = [
    path("connexion/", views.start, name="start"),
    path("callback/", views.callback, name="callback"),
    path("lier/", views.link, name="link"),
    path("completer/", views.complete, name="complete"),
    path("deconnexion/", views.logout, name="logout"),
    path("deconnexion/retour/", views.logout_callback, name="logout_callback"),
]
