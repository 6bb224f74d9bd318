"""Mon profil → changer d'adresse mail: ask (new address, password), then confirm with the code or the link that
went to the new address (accounts.email_change)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts import confirmation_codes, email_change, throttling
from accounts.forms.email_change import EmailChangeCodeForm, EmailChangeForm


@login_required
def change(request):
    form = EmailChangeForm(request.POST or None, user=request.user)
    pending = email_change.pending(request.user)
    if request.method == "POST" and form.is_valid():
        if pending and confirmation_codes.sent_recently(pending):
            form.add_error(None, "Un mail vient d'être envoyé : patientez une minute avant d'en demander un autre.")
        elif not throttling.allow_account_mail(request, form.cleaned_data["new_email"]):
            form.add_error(None, throttling.MESSAGE)
        else:
            email_change.request_change(request.user, form.cleaned_data["new_email"])
            messages.success(request, f"Un code vient d'être envoyé à {form.cleaned_data['new_email']}.")
            return redirect("accounts:email_change_confirm")
    return render(request, "accounts/profile/email.html", {"step": 1, "form": form, "pending": pending})


@login_required
def confirm(request):
    pending = email_change.pending(request.user)
    if pending is None:
        return redirect("accounts:email_change")
    form = EmailChangeCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = email_change.check_code(request.user, form.cleaned_data["code"])
        if result is email_change.Check.OK:
            return _confirm(request, request.user)
        if result is not email_change.Check.WRONG:
            email_change.cancel(request.user)
            messages.error(request, email_change.MESSAGES[result])
            return redirect("accounts:email_change")
        form.add_error("code", email_change.MESSAGES[result])
    return render(request, "accounts/profile/email_confirm.html", {"step": 1, "form": form, "pending": pending})


@login_required
@require_POST
def cancel(request):
    email_change.cancel(request.user)
    messages.success(request, "Le changement d'adresse est annulé : votre adresse reste la même.")
    return redirect("accounts:profile")


def link(request, token):
    """The link mailed to the new address, opened in any browser: a button confirms (a mail client that opens
    links by itself changes nothing)."""
    user = email_change.user_for_link(token)
    if user is None:
        return render(request, "accounts/profile/email_link.html", {"valid": False}, status=410)
    if request.method == "POST":
        return _confirm(request, user)
    return render(
        request, "accounts/profile/email_link.html", {"valid": True, "new_email": user.email_change.new_email}
    )


def _confirm(request, user):
    try:
        user = email_change.confirm(user)
    except email_change.ChangeError as error:
        messages.error(request, str(error))
        return redirect("accounts:profile" if request.user.is_authenticated else "accounts:login")
    messages.success(request, f"Votre adresse mail est désormais {user.email}. Connectez-vous désormais avec elle.")
    return redirect("accounts:profile" if request.user.is_authenticated else "accounts:login")
