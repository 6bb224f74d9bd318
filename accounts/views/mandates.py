"""Mes mandats: declare, change, delete. An élu only ever reaches their own mandates (404 otherwise)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from accounts.forms.mandates import MandateForm
from accounts.models import Mandate
from accounts.redirects import next_from_request, with_next


def _own(request, pk):
    return get_object_or_404(Mandate.objects.select_related("collectivite"), pk=pk, user=request.user)


@login_required
def mandate_list(request):
    next_url = next_from_request(request)
    mandates = request.user.mandates.select_related("collectivite")
    return render(
        request,
        "accounts/mandates/list.html",
        {
            "step": 1,
            "mandates": mandates,
            "next": next_url,
            "add_url": with_next(reverse("accounts:mandate_add"), next_url),
        },
    )


@login_required
def mandate_add(request):
    next_url = next_from_request(request)
    form = MandateForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        mandate = form.save(commit=False)
        mandate.user = request.user
        mandate.save()
        messages.success(request, f"Votre mandat « {mandate} » est enregistré.")
        # Back to where the élu was going (e.g. the session to register for), else to the list.
        return redirect(next_url or reverse("accounts:mandates"))
    has_mandates = request.user.mandates.exists()
    return render(
        request,
        "accounts/mandates/form.html",
        {"step": 1, "form": form, "next": next_url, "mandate": None, "has_mandates": has_mandates},
    )


@login_required
def mandate_edit(request, pk):
    mandate = _own(request, pk)
    form = MandateForm(request.POST if request.method == "POST" else None, instance=mandate)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Votre mandat est modifié.")
        return redirect("accounts:mandates")
    return render(
        request,
        "accounts/mandates/form.html",
        {"step": 1, "form": form, "next": "", "mandate": mandate, "has_mandates": True},
    )


@login_required
def mandate_delete(request, pk):
    mandate = _own(request, pk)
    if request.method == "POST":
        label = str(mandate)
        mandate.delete()
        messages.success(request, f"Le mandat « {label} » est supprimé.")
        return redirect("accounts:mandates")
    return render(request, "accounts/mandates/delete.html", {"step": 1, "mandate": mandate})
