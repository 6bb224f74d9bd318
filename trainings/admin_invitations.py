"""Staff back-office for invitation links: generate, follow the figures, export, send, revoke."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from accounts import collectivite_contacts
from accounts.models import Collectivite
from dife_portal.admin_search import BoundedSearchMixin
from dife_portal.csv_export import csv_response
from mailing.outbox import render_email

from . import invitations
from .models import Invitation, Session, Training


class GenerateInvitationsForm(forms.Form):
    training = forms.ModelChoiceField(label="Formation", queryset=Training.objects.all())
    session = forms.ModelChoiceField(
        label="Session (facultatif)",
        queryset=Session.objects.none(),
        required=False,
        help_text="Laissez vide pour inviter à la formation (toutes ses sessions). Seules les sessions ouvertes aux "
        "inscriptions sont proposées.",
    )
    collectivite = forms.ModelChoiceField(
        label="Collectivité",
        queryset=Collectivite.objects.all(),
        required=False,
        help_text="Laissez vide et cochez la case ci-dessous pour inviter toutes les collectivités adhérentes.",
    )
    all_members = forms.BooleanField(label="Toutes les collectivités adhérentes", required=False)
    expires_at = forms.DateTimeField(
        label="Expire le (facultatif)", required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only sessions one can still register for: not cancelled, registration deadline not passed (today's date).
        self.fields["session"].queryset = (
            Session.objects.registration_open().select_related("training").order_by("training__title", "starts_at")
        )

    def clean(self):
        data = super().clean()
        if data.get("session") and data.get("training") and data["session"].training_id != data["training"].pk:
            self.add_error("session", "Cette session n'appartient pas à la formation choisie.")
        if not data.get("collectivite") and not data.get("all_members"):
            raise forms.ValidationError(
                "Choisissez une collectivité ou cochez « Toutes les collectivités adhérentes »."
            )
        if data.get("collectivite") and data.get("all_members"):
            raise forms.ValidationError(
                "Choisissez une collectivité ou toutes les collectivités adhérentes, pas les deux."
            )
        if data.get("expires_at") and data["expires_at"] <= timezone.now():
            self.add_error("expires_at", "La date d'expiration doit être dans le futur.")
        return data


@admin.register(Invitation)
class InvitationAdmin(BoundedSearchMixin, admin.ModelAdmin):
    list_display = ["training", "session", "collectivite", "link", "open_count", "created", "sent", "status"]
    list_filter = ["training", ("revoked_at", admin.EmptyFieldListFilter), "collectivite__is_member"]
    search_fields = ["training__title", "collectivite__name", "collectivite__code"]
    list_select_related = ["training", "session__training", "collectivite"]
    readonly_fields = ["token", "link", "open_count", "created_at", "created_by", "revoked_at"]
    fields = [
        "training",
        "session",
        "collectivite",
        "expires_at",
        "link",
        "open_count",
        "created_at",
        "created_by",
        "revoked_at",
    ]
    autocomplete_fields = ["collectivite"]
    actions = ["export_csv", "send_by_email", "revoke"]

    def get_queryset(self, request):
        return invitations.with_stats(super().get_queryset(request))

    @admin.display(description="lien")
    def link(self, obj):
        if not obj.pk:
            return "—"
        url = invitations.url_for(obj)
        return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', url, url)

    @admin.display(description="dossiers créés", ordering="dossiers_created")
    def created(self, obj):
        return obj.dossiers_created

    @admin.display(description="dossiers envoyés", ordering="dossiers_sent")
    def sent(self, obj):
        return obj.dossiers_sent

    @admin.display(description="état")
    def status(self, obj):
        if obj.revoked_at:
            return "Révoquée"
        if obj.expires_at and obj.expires_at <= timezone.now():
            return "Expirée"
        return "Active"

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    # Generating invitations in bulk -------------------------------------------------------------
    def get_urls(self):
        urls = [
            path("generer/", self.admin_site.admin_view(self.generate_view), name="trainings_invitation_generate"),
        ]
        return urls + super().get_urls()

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "generate_url": reverse("admin:trainings_invitation_generate")}
        return super().changelist_view(request, extra_context)

    def generate_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = GenerateInvitationsForm(
            request.POST or None,
            initial={"training": request.GET.get("training"), "session": request.GET.get("session")},
        )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            kwargs = {"by": request.user, "session": data["session"], "expires_at": data["expires_at"]}
            if data["all_members"]:
                created = invitations.create_for_all_members(data["training"], **kwargs)
            else:
                created = invitations.create_for(data["training"], [data["collectivite"]], **kwargs)
            messages.success(request, f"{len(created)} invitation(s) créée(s) pour « {data['training']} ».")
            invited = Collectivite.objects.filter(pk__in=[i.collectivite_id for i in created])
            lacking = list(collectivite_contacts.without_contact(invited).values_list("name", flat=True))
            if lacking:
                messages.warning(
                    request,
                    f"{len(lacking)} collectivité(s) sans adresse mail de contact ne pourront pas recevoir leur "
                    f"invitation par e-mail : {', '.join(lacking[:20])}{' …' if len(lacking) > 20 else ''}. "
                    "Importez leurs adresses ou exportez leurs liens (CSV).",
                )
            return redirect(
                reverse("admin:trainings_invitation_changelist") + f"?training__id__exact={data['training'].pk}"
            )
        members = Collectivite.objects.filter(is_member=True)
        context = {
            **self.admin_site.each_context(request),
            "title": "Générer des invitations",
            "form": form,
            "opts": self.model._meta,
            # Said before generating: who could not receive an invitation by e-mail.
            "members_count": members.count(),
            "members_without_contact": list(collectivite_contacts.without_contact(members).only("name", "code")),
            "import_contacts_url": reverse("admin:accounts_collectivite_import_contacts")
            + "?next="
            + reverse("admin:trainings_invitation_generate"),
        }
        return TemplateResponse(request, "admin/trainings/invitation/generate.html", context)

    # Actions ------------------------------------------------------------------------------------
    @admin.action(description="Exporter les liens (CSV)")
    def export_csv(self, request, queryset):
        rows = (
            (
                inv.training.title,
                inv.session.starts_at.strftime("%d/%m/%Y") if inv.session else "",
                inv.collectivite.name if inv.collectivite else "Toutes",
                inv.collectivite.contact_email if inv.collectivite else "",
                invitations.url_for(inv),
                inv.open_count,
                inv.dossiers_created,
                inv.dossiers_sent,
                self.status(inv),
            )
            for inv in queryset
        )
        header = [
            "Formation",
            "Session",
            "Collectivité",
            "Adresse mail",
            "Lien",
            "Ouvertures",
            "Dossiers créés",
            "Dossiers envoyés",
            "État",
        ]
        return csv_response("invitations.csv", header, rows)

    @admin.action(description="Envoyer par e-mail aux collectivités (aperçu d'abord)")
    def send_by_email(self, request, queryset):
        if request.POST.get("confirm") == "yes":
            sendable = list(
                queryset.filter(collectivite__isnull=False, revoked_at__isnull=True)
                .exclude(collectivite__contact_email="")
                .values_list("pk", flat=True)
            )
            sent, skipped = invitations.send_by_email(queryset)
            self._log(request, sendable, "Invitation envoyée par e-mail à la collectivité.")
            messages.success(request, f"{sent} e-mail(s) envoyé(s).")
            if skipped:
                messages.warning(
                    request,
                    f"{skipped} invitation(s) sans adresse mail de collectivité ou révoquée(s) : non envoyée(s).",
                )
            return None
        first = (
            queryset.select_related("training", "session", "collectivite")
            .filter(collectivite__isnull=False, revoked_at__isnull=True)
            .exclude(collectivite__contact_email="")
            .first()
        )
        preview = render_email("emails/invitations/invitation", invitations.email_context(first)) if first else None
        without_contact = sorted(
            {
                inv.collectivite.name
                for inv in queryset.select_related("collectivite").filter(
                    collectivite__isnull=False, collectivite__contact_email="", revoked_at__isnull=True
                )
            }
        )
        context = {
            **self.admin_site.each_context(request),
            "title": "Envoyer les invitations par e-mail",
            "queryset": queryset,
            "count": queryset.count(),
            "preview": preview,
            "preview_to": first.collectivite.contact_email if first else "",
            "without_contact": without_contact,
            "import_contacts_url": reverse("admin:accounts_collectivite_import_contacts")
            + "?next="
            + reverse("admin:trainings_invitation_changelist"),
            "opts": self.model._meta,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/trainings/invitation/send_preview.html", context)

    @admin.action(description="Révoquer les liens sélectionnés")
    def revoke(self, request, queryset):
        revoked = list(queryset.filter(revoked_at__isnull=True).values_list("pk", flat=True))
        count = invitations.revoke(queryset)
        self._log(request, revoked, "Lien révoqué.")
        messages.success(request, f"{count} lien(s) révoqué(s).")

    def _log(self, request, pks, message):
        """Django's admin history for a batch, so that each change is traceable to the staff member."""
        if pks:
            changed = Invitation.objects.filter(pk__in=pks).select_related("training", "collectivite")
            LogEntry.objects.log_actions(request.user.pk, changed, CHANGE, message)
