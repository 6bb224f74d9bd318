"""The portal's URLs with the simulator mounted, as `make run` serves them."""

from django.urls import include, path

from dife_portal.urls import handler404, handler500  # noqa: F401
from dife_portal.urls import urlpatterns as portal_urlpatterns

urlpatterns = [*portal_urlpatterns, path("fc-simulateur/", include("fc_simulator.urls"))]
