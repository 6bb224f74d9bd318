"""FranceConnect pages: start, callback, link an account, complete the profile, sign out."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import franceconnect, profile_completion
from .franceconnect_forms import CompletionForm

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _safe_next(request, value):
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return ""


def _failure(request, error, flow=None):
    """Show the failure's French message where the élu can try again; never an error page."""
    flow = flow or error.flow
    franceconnect.logger.warning("FranceConnect: %s (%s)", type(error).__name__, error)
    messages.error(request, error.message)
    if isinstance(error, franceconnect.EmailAlreadyRegistered):
        login = reverse("accounts:login")
        return redirect(f"{login}?{urlencode({'next': reverse('franceconnect:link')})}")
    if flow is not None and flow.purpose == franceconnect.LINK:
        return redirect(flow.next_url or "franceconnect:link")
    return redirect("accounts:login")


@require_GET
def start(request):
    next_url = _safe_next(request, request.GET.get("next"))
    try:
        return redirect(franceconnect.authorization_url(request, purpose=franceconnect.SIGN_IN, next_url=next_url))
    except franceconnect.FranceConnectError as error:
        return _failure(request, error)


@require_GET
def callback(request):
    flow = None
    try:
        flow, identity, id_token = franceconnect.complete_authorization(request)
        if flow.purpose == franceconnect.LINK:
            franceconnect.link_user(request.user, identity)
        else:
            user, _created = franceconnect.sign_in_user(identity)
    except franceconnect.FranceConnectError as error:
        return _failure(request, error, flow)

    if flow.purpose == franceconnect.LINK:
        franceconnect.remember_sign_in(request, id_token)
        messages.success(request, "Votre compte est lié à FranceConnect : votre identité est vérifiée.")
        return redirect(flow.next_url or settings.LOGIN_REDIRECT_URL)

    auth.login(request, user, backend=MODEL_BACKEND)
    franceconnect.remember_sign_in(request, id_token)
    if profile_completion.missing_sections(user):
        messages.success(request, "Votre identité est vérifiée par FranceConnect. Complétez votre compte.")
        return redirect(f"{reverse('franceconnect:complete')}?{urlencode({'next': flow.next_url})}")
    messages.success(request, "Vous êtes connecté avec FranceConnect.")
    return redirect(flow.next_url or settings.LOGIN_REDIRECT_URL)


@login_required
@require_http_methods(["GET", "POST"])
def link(request):
    """ "Lier mon compte à FranceConnect": only the signed-in owner of the account can do it."""
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next"))
    if request.method == "POST" and not request.user.franceconnect_sub:
        try:
            url = franceconnect.authorization_url(request, purpose=franceconnect.LINK, next_url=next_url)
        except franceconnect.FranceConnectError as error:
            return _failure(request, error)
        return redirect(url)
    return render(request, "accounts/franceconnect/link.html", {"next": next_url, "step": 1})


@login_required
@require_http_methods(["GET", "POST"])
def complete(request):
    """Ask an élu created by FranceConnect only for what its profile still lacks."""
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next"))
    sections = profile_completion.missing_sections(request.user)
    if not sections:
        return redirect(next_url or settings.LOGIN_REDIRECT_URL)
    form = CompletionForm(request.POST or None, instance=request.user, sections=sections)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Merci, votre compte est complet.")
        return redirect(next_url or settings.LOGIN_REDIRECT_URL)
    context = {"form": form, "sections": sections, "next": next_url, "step": 1}
    return render(request, "accounts/franceconnect/complete.html", context)


@require_POST
def logout(request):
    """Sign out of the portal, and out of FranceConnect when the session came from it."""
    id_token = franceconnect.signed_in_id_token(request)
    auth.logout(request)
    if id_token:
        try:
            return redirect(franceconnect.logout_url(request, id_token))
        except franceconnect.NotConfigured:
            franceconnect.logger.warning("FranceConnect no longer configured: signed out of the portal only")
    messages.success(request, "Vous êtes déconnecté.")
    return redirect(resolve_url(settings.LOGOUT_REDIRECT_URL))


@require_GET
def logout_callback(request):
    if franceconnect.confirm_logout(request):
        messages.success(request, "Vous êtes déconnecté du portail et de FranceConnect.")
    return redirect(resolve_url(settings.LOGOUT_REDIRECT_URL))
