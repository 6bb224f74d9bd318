"""Confirming the e-mail address after sign-up: the 6-digit code (same browser) or the link (any browser)."""

from django.contrib import messages
from django.contrib.auth import login
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts import activation, confirmation_codes, services, throttling
from accounts.email_addresses import canonical_email
from accounts.forms.login import ActivationCodeForm
from accounts.models import User
from accounts.redirects import safe_next, with_next

PENDING_KEY = "accounts_pending_activation"
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def remember_pending(request, user, email, next_url):
    """This browser is waiting for the code sent to `email` (user is None when the address was taken:
    the page behaves the same, so that it does not tell)."""
    request.session[PENDING_KEY] = {
        "user_id": user.pk if user else None,
        "email": email,
        "next": next_url,
        "failed": 0,
    }


def _pending(request):
    pending = request.session.get(PENDING_KEY)
    if not pending:
        return None, None
    user = None
    if pending.get("user_id"):
        user = User.objects.filter(pk=pending["user_id"], email_confirmed_at__isnull=True).first()
    return pending, user


def after_confirmation_url(next_url):
    """Right after confirming: declare a mandate, then go on to `next`."""
    return with_next(reverse("accounts:mandate_add"), next_url)


def _welcome(request, user, next_url):
    services.confirm_email(user)
    request.session.pop(PENDING_KEY, None)
    login(request, user, backend=MODEL_BACKEND)
    messages.success(
        request, "Votre adresse mail est confirmée : votre compte est prêt. Déclarez maintenant votre mandat."
    )
    return redirect(after_confirmation_url(safe_next(request, next_url)))


def activation_page(request):
    """ "Vérifiez votre boîte mail": type the code."""
    pending, user = _pending(request)
    form = ActivationCodeForm(request.POST if request.method == "POST" else None)
    if pending and request.method == "POST" and form.is_valid():
        failed = pending.get("failed", 0)
        if user is not None:
            result = activation.check_code(user, form.cleaned_data["code"])
        else:
            # No account was created (the address was taken): answer exactly as check_code would to wrong codes.
            too_many = failed + 1 >= confirmation_codes.MAX_FAILED_ATTEMPTS
            result = activation.CodeCheck.TOO_MANY_ATTEMPTS if too_many else activation.CodeCheck.WRONG
        if result is activation.CodeCheck.OK:
            return _welcome(request, user, pending.get("next", ""))
        request.session[PENDING_KEY] = {**pending, "failed": failed + 1}
        form.add_error("code", activation.MESSAGES[result])
    return render(
        request,
        "accounts/activation/code.html",
        {"step": 1, "form": form, "pending_email": pending["email"] if pending else "", "has_pending": bool(pending)},
    )


@require_POST
def resend_code(request):
    pending, user = _pending(request)
    if not pending:
        return redirect("accounts:activation")
    if activation.mail_recently_sent(pending["email"]):
        messages.info(request, "Un mail vient d'être envoyé. Patientez une minute avant d'en demander un autre.")
        return redirect("accounts:activation")
    if not throttling.allow_account_mail(request, pending["email"]):
        messages.error(request, throttling.MESSAGE)
        return redirect("accounts:activation")
    if user is not None:
        activation.send_activation_mail(user, pending.get("next", ""))
    else:
        existing = User.objects.filter(email=canonical_email(pending["email"])).first()
        if existing is not None:
            activation.send_already_registered_mail(existing)
    pending["failed"] = 0
    request.session[PENDING_KEY] = pending
    messages.success(request, f"Un nouveau mail a été envoyé à {pending['email']}.")
    return redirect("accounts:activation")


def activation_link(request, token):
    """The link from the e-mail: a button confirms (a GET never changes anything: mail scanners open links)."""
    try:
        user, next_url = activation.read_link_token(token)
    except activation.InvalidLink:
        return render(request, "accounts/activation/link_invalid.html", {"step": 1}, status=400)
    next_url = safe_next(request, next_url)
    if user.email_confirmed_at is not None:
        messages.info(request, "Votre adresse mail est déjà confirmée. Connectez-vous.")
        return redirect(with_next(reverse("accounts:login"), next_url))
    if request.method == "POST":
        pending, _ = _pending(request)
        if pending and pending.get("user_id") == user.pk:
            return _welcome(request, user, next_url)
        services.confirm_email(user)
        messages.success(request, "Votre adresse mail est confirmée. Connectez-vous pour continuer.")
        return redirect(with_next(reverse("accounts:login"), after_confirmation_url(next_url)))
    return render(request, "accounts/activation/link.html", {"step": 1, "email": user.email})
