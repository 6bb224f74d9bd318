"""Staff back-office: import the collectivités' contact addresses from a CSV file, previewed before anything is
written (accounts/collectivite_contacts.py)."""

from django import forms
from django.contrib import messages
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme

from . import collectivite_contacts as contacts


class ContactsFileForm(forms.Form):
    file = forms.FileField(
        label="Fichier CSV",
        help_text="Une ligne par collectivité : le code INSEE (ou SIREN) ou le nom, puis l'adresse mail, séparés par "
        "un point-virgule ou une virgule. Une première ligne de titres est permise.",
    )


class ContactsImportMixin:
    """Adds "Importer des adresses de contact" to the collectivités' admin."""

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "can_import_contacts": self.has_change_permission(request)}
        return super().changelist_view(request, extra_context)

    def get_urls(self):
        view = self.admin_site.admin_view(self.import_contacts_view)
        return [path("importer-contacts/", view, name="accounts_collectivite_import_contacts"), *super().get_urls()]

    def import_contacts_view(self, request):
        if not self.has_change_permission(request):
            raise PermissionDenied
        back = request.POST.get("next") or request.GET.get("next") or ""
        if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
            back = ""
        form, outcome, text = ContactsFileForm(), None, ""
        if request.method == "POST":
            try:
                if request.POST.get("confirm") == "yes":
                    text = request.POST.get("content", "")
                    outcome = contacts.read(text)
                    return self._apply(request, outcome, back)
                form = ContactsFileForm(request.POST, request.FILES)
                if form.is_valid():
                    text = contacts.decode(form.cleaned_data["file"].read())
                    outcome = contacts.read(text)
            except contacts.ContactsFileError as error:
                form.add_error(None, str(error))
                outcome = None
        context = {
            **self.admin_site.each_context(request),
            "title": "Importer des adresses de contact",
            "opts": self.model._meta,
            "form": form,
            "outcome": outcome,
            "content": text,
            "next": back,
        }
        return TemplateResponse(request, "admin/accounts/collectivite/import_contacts.html", context)

    def _apply(self, request, outcome, back):
        changed = contacts.apply(outcome)
        if changed:
            LogEntry.objects.log_actions(request.user.pk, changed, CHANGE, "Adresse de contact importée (CSV).")
        messages.success(request, f"{len(changed)} adresse(s) de contact enregistrée(s).")
        if outcome.errors:
            messages.warning(request, f"{len(outcome.errors)} ligne(s) en erreur non importée(s).")
        return redirect(back or reverse("admin:accounts_collectivite_changelist"))
