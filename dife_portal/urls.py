from django.apps import apps
from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

from . import views

admin.site.site_header = "Portail DIFE — administration"
admin.site.site_title = "Portail DIFE"
admin.site.index_title = "Back-office de la Maison des Maires"

urlpatterns = [
    path("sante/", views.health, name="health"),
    path("sante/plancher/", views.floor, name="floor"),
    path("sante/plancher-connecte/", views.signed_in_floor, name="signed_in_floor"),
    path("association.css", views.association_stylesheet, name="association_stylesheet"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("mentions/cgu/", TemplateView.as_view(template_name="legal/cgu.html"), name="cgu"),
    path(
        "mentions/donnees-personnelles/",
        TemplateView.as_view(template_name="legal/privacy.html"),
        name="privacy",
    ),
    path("", include("trainings.site_urls")),
    path("compte/franceconnect/", include("accounts.franceconnect_urls")),
    path("compte/", include("accounts.urls")),
    path("formations/", include("trainings.urls")),
    path("dossiers/", include("enrolment.urls")),
    path("admin/tableau-de-bord/", include("enrolment.dashboard_urls")),
    path("admin/", admin.site.urls),
]

# Installed only with FRANCECONNECT_SIMULATOR=1 and DEBUG (see settings and accounts/checks.py).
if apps.is_installed("fc_simulator"):
    urlpatterns.append(path("fc-simulateur/", include("fc_simulator.urls")))

handler404 = "dife_portal.views.page_not_found"
handler500 = "dife_portal.views.server_error"
