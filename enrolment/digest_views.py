from django import forms
from django.contrib import admin, messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render

from . import digest


class DigestForm(forms.Form):
    enabled = forms.TypedChoiceField(
        label="Récapitulatif quotidien par e-mail",
        choices=[("1", "Le recevoir chaque matin où quelque chose attend"), ("0", "Ne plus le recevoir")],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choisissez une des deux réponses.",
            "invalid_choice": "Choisissez une des deux réponses.",
        },
    )


@login_required
def staff_digest_setting(request):
    """A staff member turns their own daily digest on or off."""
    if not request.user.is_staff:
        raise PermissionDenied
    preference = digest.preference_for(request.user)
    form = DigestForm(request.POST or None, initial={"enabled": "1" if preference.enabled else "0"})
    if request.method == "POST" and form.is_valid():
        digest.set_enabled(request.user, form.cleaned_data["enabled"])
        if form.cleaned_data["enabled"]:
            messages.success(request, "Vous recevrez le récapitulatif quotidien.")
        else:
            messages.success(request, "Vous ne recevrez plus le récapitulatif quotidien.")
        return redirect("admin:index")
    context = {**admin.site.each_context(request), "form": form, "title": "Récapitulatif quotidien"}
    return render(request, "admin/enrolment/staff_digest.html", context)
