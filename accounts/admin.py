from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme

from dife_portal.admin_search import BoundedSearchMixin

from .admin_contacts import ContactsImportMixin
from .models import Collectivite, IdentityDocument, IdentityDocumentAccess, Mandate, User
from .services import stamp_balance_dates


class EmailConfirmedFilter(admin.SimpleListFilter):
    title = "adresse mail confirmée"
    parameter_name = "email_confirmed"

    def lookups(self, request, model_admin):
        return [("yes", "Oui"), ("no", "Non")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(email_confirmed_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(email_confirmed_at__isnull=True)
        return queryset


class MandateInline(admin.TabularInline):
    model = Mandate
    extra = 0
    autocomplete_fields = ["collectivite"]


@admin.register(User)
class UserAdmin(BoundedSearchMixin, BaseUserAdmin):
    ordering = ["birth_name", "first_names"]
    list_display = [
        "email",
        "birth_name",
        "usage_name",
        "first_names",
        "identity_method",
        "dife_balance",
        "dife_balance_date",
        "dife_account_missing",
        "is_staff",
    ]
    list_filter = ["identity_method", "dife_account_missing", EmailConfirmedFilter, "is_staff", "is_active"]
    search_fields = ["email", "birth_name", "usage_name", "first_names"]
    readonly_fields = ["franceconnect_sub", "date_joined", "last_login", "cgu_accepted_at"]
    formfield_overrides = {models.DecimalField: {"localize": True}}  # "650,00" as staff type it
    inlines = [MandateInline]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (
            "Identité",
            {
                "fields": [
                    "birth_name",
                    "usage_name",
                    "first_names",
                    "birth_date",
                    "birth_place",
                    "nationality",
                    "identity_method",
                    "identity_verified_at",
                    "franceconnect_sub",
                ]
            },
        ),
        ("Contact", {"fields": ["phone_mobile", "phone_landline", "email_confirmed_at"]}),
        (
            "Adresse",
            {
                "fields": [
                    "street_number",
                    "street_repetition",
                    "street_type",
                    "street_name",
                    "address_complement",
                    "lieu_dit",
                    "postal_code",
                    "city",
                ]
            },
        ),
        (
            "Droits formation",
            {
                "description": (
                    "Montants lus sur Mon Compte Formation. Sans date, un montant modifié est daté d'aujourd'hui ; "
                    "un montant DIFE enregistré lève le signalement « compte élu absent »."
                ),
                "fields": [
                    "dife_balance",
                    "dife_balance_date",
                    "dife_account_missing",
                    "cpf_balance",
                    "cpf_balance_date",
                ],
            },
        ),
        ("Informations professionnelles", {"fields": ["highest_diploma", "cgu_accepted_at"]}),
        (
            "Accès",
            {
                "fields": [
                    "is_active",
                    "is_staff",
                    "is_superuser",
                    "groups",
                    "user_permissions",
                    "last_login",
                    "date_joined",
                ]
            },
        ),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]

    def save_model(self, request, obj, form, change):
        stamp_balance_dates(obj, set(form.changed_data))
        super().save_model(request, obj, form, change)


@admin.register(Collectivite)
class CollectiviteAdmin(ContactsImportMixin, BoundedSearchMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "code", "postal_code", "is_member", "contact_email"]
    list_filter = ["kind", "is_member", ("contact_email", admin.EmptyFieldListFilter)]
    search_fields = ["name", "code", "postal_code"]
    actions = ["mark_members", "mark_not_members"]

    @admin.action(description="Marquer comme adhérentes à l'association")
    def mark_members(self, request, queryset):
        self.message_user(request, f"{queryset.update(is_member=True)} collectivité(s) marquée(s) adhérente(s).")

    @admin.action(description="Marquer comme non adhérentes")
    def mark_not_members(self, request, queryset):
        self.message_user(request, f"{queryset.update(is_member=False)} collectivité(s) marquée(s) non adhérente(s).")


@admin.register(Mandate)
class MandateAdmin(BoundedSearchMixin, admin.ModelAdmin):
    list_display = ["user", "function", "collectivite", "start_date", "end_date"]
    list_filter = ["function", "collectivite__kind"]
    search_fields = ["user__email", "user__birth_name", "user__usage_name", "collectivite__name", "collectivite__code"]
    autocomplete_fields = ["user", "collectivite"]
    list_select_related = ["user", "collectivite"]


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
        from enrolment import services
        from enrolment.exceptions import EnrolmentError

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
        from enrolment import services
        from enrolment.admin_actions import run_for_each

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
        from enrolment import services
        from enrolment.admin_actions import run_with_reason

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


def _bound_search_of(model, admin_class):
    """Re-register a third-party admin (Django's groups, django-axes' lockout logs) with the bounded search."""
    if admin.site.is_registered(model):
        admin.site.unregister(model)
        admin.site.register(model, type(admin_class.__name__, (BoundedSearchMixin, admin_class), {}))


def _bound_third_party_searches():
    from axes import admin as axes_admin  # registers its admins first (AXES_ENABLE_ADMIN)
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django.contrib.auth.admin import GroupAdmin
    from django.contrib.auth.models import Group

    _bound_search_of(Group, GroupAdmin)
    _bound_search_of(AccessAttempt, axes_admin.AccessAttemptAdmin)
    _bound_search_of(AccessLog, axes_admin.AccessLogAdmin)
    _bound_search_of(AccessFailureLog, axes_admin.AccessFailureLogAdmin)


_bound_third_party_searches()
