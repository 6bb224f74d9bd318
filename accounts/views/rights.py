""" "Vos droits formation": the two panels, recording the amounts, "Mon compte élu n'apparaît pas"."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts import rights as rules
from accounts.forms.balances import BalancesForm


def _mandates(user):
    return list(user.mandates.select_related("collectivite"))


def _current(mandates):
    today = timezone.localdate()
    return [m for m in mandates if m.end_date is None or m.end_date >= today]


@login_required
def rights(request):
    mandates = _mandates(request.user)
    return render(
        request,
        "accounts/rights.html",
        {
            "step": 1,
            "mandates": mandates,
            "estimate": rules.dife_estimate(mandates),
            "ceiling_raised_on": rules.CEILING_RAISED_ON,
        },
    )


@login_required
def rights_edit(request):
    form = BalancesForm(request.POST if request.method == "POST" else None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Vos montants sont enregistrés.")
        return redirect("accounts:rights")
    return render(request, "accounts/rights_edit.html", {"step": 1, "form": form})


@login_required
def dife_missing(request):
    mandates = _current(_mandates(request.user))
    return render(
        request,
        "accounts/dife_missing.html",
        {
            "step": 1,
            "mailto": rules.cdc_mailto(request.user, mandates),
            "mandates": mandates,
            "cdc_email": settings.DIFE_CDC_EMAIL,
        },
    )


@login_required
@require_POST
def dife_missing_report(request):
    """The élu tells the AMIL too: staff see the flag in the admin."""
    user = request.user
    user.dife_account_missing = request.POST.get("missing") == "1"
    user.save(update_fields=["dife_account_missing"])
    if user.dife_account_missing:
        messages.success(request, "C'est noté : la Maison des Maires sait que votre compte élu n'apparaît pas.")
    else:
        messages.success(request, "C'est noté : votre compte élu apparaît de nouveau.")
    return redirect("accounts:rights")
