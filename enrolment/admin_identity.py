"""The staff's review of identity documents (accounts.IdentityDocument): a decision changes the élu's dossiers,
so the review lives with them, in enrolment."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme

from accounts.models import IdentityDocument, IdentityDocumentAccess
from dife_portal.admin_search import BoundedSearchMixin

from . import services
from .admin_actions import run_for_each, run_with_reason
from .exceptions import EnrolmentError


class IdentityDocumentAccessInline(admin.TabularInline):
    model = IdentityDocumentAccess
    extra = 0
    can_delete = False
    readonly_fields = ["viewed_at", "viewed_by", "side"]
    verbose_name_plural = "consultations des fichiers"
    template = "admin/edit_inline/tabular_named_headers.html"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("viewed_by")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(IdentityDocument)
class IdentityDocumentAdmin(BoundedSearchMixin, admin.ModelAdmin):
    """Review of identity documents. The files open only for staff holding `accounts.view_identity_files`
    (group "Vérification d'identité"); accepting or rejecting also needs the change permission. Decisions
    go through enrolment.services (log, élu's dossiers released, e-mail)."""

    list_display = ["user", "kind", "status", "uploaded_at", "reviewed_at"]
    list_filter = ["status", "kind"]
    list_select_related = ["user"]
    search_fields = ["user__email", "birth_name", "first_names"]
    exclude = ["front", "back"]
    readonly_fields = [
        "user",
        "kind",
        "file_links",
        "birth_name",
        "usage_name",
        "first_names",
        "birth_date",
        "birth_place",
        "nationality",
        "status",
        "rejection_reason",
        "uploaded_at",
        "reviewed_at",
        "reviewed_by",
        "files_deleted_at",
    ]
    inlines = [IdentityDocumentAccessInline]
    actions = ["accept_documents", "reject_documents"]

    def has_review_permission(self, request):
        user = request.user
        return user.has_perm("accounts.change_identitydocument") and user.has_perm("accounts.view_identity_files")

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if not request.user.has_perm("accounts.view_identity_files"):
            fields = [name for name in fields if name != "file_links"]
        return fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user", "reviewed_by")

    @admin.display(description="fichiers")
    def file_links(self, obj):
        if obj.files_deleted_at:
            return f"Supprimés le {obj.files_deleted_at:%d/%m/%Y} (durée de conservation écoulée)."
        links = [
            format_html(
                '<a href="{}" target="_blank" rel="noopener">Voir le {}</a>',
                reverse("enrolment:identity_file", args=[obj.pk, side]),
                side,
            )
            for side in obj.files
        ]
        return format_html_join(" · ", "{}", ((link,) for link in links)) or "—"

    def get_urls(self):
        urls = [
            path(
                "<int:pk>/verifier/",
                self.admin_site.admin_view(self.review_view),
                name="accounts_identitydocument_review",
            )
        ]
        return urls + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra = {"show_save": False, "show_save_and_continue": False, "show_save_and_add_another": False}
        document = self.get_object(request, object_id)
        if document is not None and request.user.has_perm("accounts.view_identity_files"):
            extra["review_document"] = document
            extra["can_decide_identity"] = self.has_review_permission(request)
            if request.user.has_perm("enrolment.view_dossier"):
                extra["dossiers_url"] = f"{reverse('admin:enrolment_dossier_changelist')}?q={document.user.email}"
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), **extra})

    def review_view(self, request, pk):
        """Accept or reject one document (POST from its page or from the dossier page), then go back."""
        if not self.has_review_permission(request):
            raise PermissionDenied
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        document = get_object_or_404(IdentityDocument, pk=pk)
        accepted = request.POST.get("decision") == "accept"
        reason = request.POST.get("reason", "")
        try:
            services.review_identity_document(document, by=request.user, accepted=accepted, reason=reason)
        except EnrolmentError as error:
            messages.error(request, str(error))
        else:
            if accepted:
                self.log_change(request, document, "Pièce acceptée : identité vérifiée.")
                messages.success(request, "Pièce acceptée : l'élu est prévenu qu'il peut poursuivre son inscription.")
            else:
                self.log_change(request, document, f"Pièce refusée. Motif : {reason.strip()}")
                messages.success(request, "Pièce refusée : l'élu a reçu le motif par e-mail.")
        next_url = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
            next_url = reverse("admin:accounts_identitydocument_change", args=[document.pk])
        return redirect(next_url)

    @admin.action(description="Accepter les pièces sélectionnées (identité vérifiée)", permissions=["review"])
    def accept_documents(self, request, queryset):
        run_for_each(
            self,
            request,
            queryset,
            services.review_identity_document,
            "{count} pièce(s) acceptée(s) : les élus peuvent poursuivre leur inscription.",
            history="Pièce acceptée : identité vérifiée.",
            accepted=True,
        )

    @admin.action(description="Refuser les pièces sélectionnées (avec un motif)", permissions=["review"])
    def reject_documents(self, request, queryset):
        return run_with_reason(
            self,
            request,
            queryset,
            services.review_identity_document,
            title="Refuser des pièces d'identité",
            success="{count} pièce(s) refusée(s) : les élus ont reçu le motif.",
            history="Pièce refusée.",
            accepted=False,
        )
