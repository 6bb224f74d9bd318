from django.conf import settings
from django.db import connection
from django.http import HttpResponse, HttpResponseRedirect, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string

from . import branding


def health(request):
    """Health check for load balancers: answers 200 only when the database answers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        return JsonResponse({"status": "indisponible"}, status=503)
    return JsonResponse({"status": "ok"})


def floor(request):
    """The benchmark's floor: a trivial answer through the whole middleware stack, without the database.

    `make bench` prints every page's figures beside this one's (the framework's limit on the machine).
    """
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


def signed_in_floor(request):
    """The benchmark's floor for signed-in pages: what every one of them must do before its own work — read the
    session and load the élu it names (Django's authentication) — and nothing else."""
    text = "connecté" if request.user.is_authenticated else "anonyme"
    return HttpResponse(text, content_type="text/plain; charset=utf-8")


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # Without the request, as Django's own: whatever broke (the database…) must not break this page too.
    return HttpResponseServerError(render_to_string("500.html"))


def association_stylesheet(request):
    """The association's colour as CSS (no inline style: the Content-Security-Policy forbids it). Its address
    carries a version of the colour, so it may be kept for long."""
    response = HttpResponse(branding.stylesheet(settings.ASSOCIATION_BRANDING["colour"]), content_type="text/css")
    response["Cache-Control"] = "public, max-age=31536000" if request.GET.get("v") else "public, max-age=3600"
    return response


def favicon(request):
    """/favicon.ico, which browsers ask for whatever the page says: the association's icon."""
    response = HttpResponseRedirect(branding.urls()["favicon_ico"])
    response["Cache-Control"] = "public, max-age=86400"
    return response
