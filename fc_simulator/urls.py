from django.urls import path

from . import views

app_name = "fc_simulator"

# The same layout as FranceConnect v2 under its issuer (…/api/v2).
urlpatterns = [
    path("api/v2/.well-known/openid-configuration", views.discovery, name="discovery"),
    path("api/v2/authorize", views.authorize, name="authorize"),
    path("api/v2/token", views.token, name="token"),
    path("api/v2/userinfo", views.userinfo, name="userinfo"),
    path("api/v2/jwks", views.jwks, name="jwks"),
    path("api/v2/session/end", views.session_end, name="session_end"),
]
