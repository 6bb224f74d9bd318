from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import models

from dife_portal.admin_search import BoundedSearchMixin
from dife_portal.collation import french_order

from .admin_contacts import ContactsImportMixin
from .models import Collectivite, Mandate, User
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
    ordering = [french_order("birth_name"), french_order("first_names")]
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
        ("Conditions d'utilisation", {"fields": ["cgu_accepted_at"]}),
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
