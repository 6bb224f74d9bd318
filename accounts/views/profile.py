""" "Mon profil": see, change, download or delete what the portal holds about the élu."""

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy

from accounts import deletion, email_change, personal_data, services
from accounts.forms.login import DeleteAccountForm, PasswordChangeForm
from accounts.forms.profile import ProfileForm


@login_required
def profile(request):
    user = request.user
    form = ProfileForm(instance=user)  # only used to display labels and values
    mandates = user.mandates.select_related("collectivite")
    context = {"step": 1, "form": form, "mandates": mandates, "email_change": email_change.pending(user)}
    return render(request, "accounts/profile/detail.html", context)


@login_required
def profile_edit(request):
    form = ProfileForm(request.POST if request.method == "POST" else None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Votre profil est enregistré.")
        return redirect("accounts:profile")
    return render(request, "accounts/profile/edit.html", {"step": 1, "form": form})


@login_required
def personal_data_download(request):
    data = personal_data.export(request.user)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="mes-donnees-portail-dife.json"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def account_delete(request):
    form = DeleteAccountForm(request.POST if request.method == "POST" else None)
    blocking = deletion.is_blocked(request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.delete_account(request.user)
        except services.AccountError as error:
            messages.error(request, str(error))
            return redirect("accounts:account_delete")
        logout(request)
        messages.success(request, "Votre compte et toutes vos données sont supprimés. Au revoir.")
        return redirect("home")
    return render(request, "accounts/profile/delete.html", {"step": 1, "form": form, "blocking": blocking})


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = PasswordChangeForm
    template_name = "accounts/profile/password.html"
    success_url = reverse_lazy("accounts:profile")
    extra_context = {"step": 1}

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, "Votre mot de passe est modifié.")
        return response
