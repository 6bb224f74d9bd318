from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import Collectivite, IdentityDocument, Mandate, User


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


@admin.register(IdentityDocument)
class IdentityDocumentAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "status", "uploaded_at", "reviewed_at"]
    list_filter = ["status", "kind"]
    search_fields = ["user__email", "birth_name", "first_names"]
    exclude = ["front", "back"]
    readonly_fields = ["user", "status", "reviewed_at", "reviewed_by", "files_deleted_at"]
