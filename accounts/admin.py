from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from .models import Collectivite, IdentityDocument, IdentityDocumentAccess, Mandate, User


class MandateInline(admin.TabularInline):
    model = Mandate
    extra = 0
    autocomplete_fields = ["collectivite"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["birth_name", "first_names"]
    list_display = ["email", "birth_name", "usage_name", "first_names", "identity_method", "is_staff"]
    list_filter = ["identity_method", "is_staff", "is_active"]
    search_fields = ["email", "birth_name", "usage_name", "first_names"]
    readonly_fields = ["franceconnect_sub", "date_joined", "last_login"]
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
                "fields": [
                    "dife_balance",
                    "dife_balance_date",
                    "dife_account_missing",
                    "cpf_balance",
                    "cpf_balance_date",
                ]
            },
        ),
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


@admin.register(Collectivite)
class CollectiviteAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "code", "postal_code", "is_member"]
    list_filter = ["kind", "is_member"]
    search_fields = ["name", "code", "postal_code"]


class IdentityDocumentAccessInline(admin.TabularInline):
    model = IdentityDocumentAccess
    extra = 0
    can_delete = False
    readonly_fields = ["viewed_at", "viewed_by", "side"]
    verbose_name_plural = "consultations des fichiers"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(IdentityDocument)
class IdentityDocumentAdmin(admin.ModelAdmin):
    """Review of identity documents: the actions call enrolment.services (issue 6 polishes this screen)."""

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

    @admin.action(description="Accepter les pièces sélectionnées (identité vérifiée)", permissions=["change"])
    def accept_documents(self, request, queryset):
        from enrolment import services
        from enrolment.admin_actions import run_for_each

        run_for_each(
            self,
            request,
            queryset,
            services.review_identity_document,
            "{count} pièce(s) acceptée(s) : les élus peuvent poursuivre leur inscription.",
            accepted=True,
        )

    @admin.action(description="Refuser les pièces sélectionnées (avec un motif)", permissions=["change"])
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
            accepted=False,
        )
