from django.contrib import admin

from . import services
from .admin_actions import run_for_each, run_with_reason
from .models import Dossier, DossierLog


class DossierLogInline(admin.TabularInline):
    model = DossierLog
    extra = 0
    can_delete = False
    readonly_fields = ["at", "by", "from_state", "to_state", "event", "note"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Dossier)
class DossierAdmin(admin.ModelAdmin):
    """Minimal staff actions over enrolment.services; issue 6 turns this into the full back-office."""

    list_display = ["pk", "user", "session", "state", "submitted_at", "waitlisted_at", "offer_expires_at"]
    list_filter = ["state"]
    list_select_related = ["user", "session__training"]
    search_fields = ["user__email", "user__birth_name", "user__usage_name"]
    readonly_fields = [
        "user",
        "session",
        "state",
        "submitted_at",
        "decided_at",
        "waitlisted_at",
        "offer_expires_at",
        "refusal_reason",
        "cancel_reason",
        "created_at",
        "created_by",
        "reminder_sent_at",
    ]
    raw_id_fields = ["mandate", "invitation"]
    inlines = [DossierLogInline]
    actions = ["accept", "refuse", "cancel", "mark_attended", "mark_absent"]

    @admin.action(description="Valider les dossiers sélectionnés", permissions=["change"])
    def accept(self, request, queryset):
        run_for_each(self, request, queryset, services.accept, "{count} dossier(s) validé(s).")

    @admin.action(description="Refuser les dossiers sélectionnés (avec un motif)", permissions=["change"])
    def refuse(self, request, queryset):
        return run_with_reason(
            self,
            request,
            queryset,
            services.refuse,
            title="Refuser des dossiers",
            success="{count} dossier(s) refusé(s).",
        )

    @admin.action(description="Annuler les dossiers sélectionnés (avec un motif)", permissions=["change"])
    def cancel(self, request, queryset):
        return run_with_reason(
            self,
            request,
            queryset,
            services.cancel,
            title="Annuler des dossiers",
            success="{count} dossier(s) annulé(s).",
        )

    @admin.action(description="Noter « Formation suivie »", permissions=["change"])
    def mark_attended(self, request, queryset):
        run_for_each(self, request, queryset, services.mark_attended, "{count} dossier(s) : formation suivie.")

    @admin.action(description="Noter « Absent »", permissions=["change"])
    def mark_absent(self, request, queryset):
        run_for_each(self, request, queryset, services.mark_absent, "{count} dossier(s) : absent.")
