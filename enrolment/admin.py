from django.contrib import admin

from .models import Dossier, DossierLog


class DossierLogInline(admin.TabularInline):
    model = DossierLog
    extra = 0
    can_delete = False
    readonly_fields = ["at", "by", "from_state", "to_state", "note"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Dossier)
class DossierAdmin(admin.ModelAdmin):
    list_display = ["pk", "user", "session", "state", "submitted_at"]
    list_filter = ["state"]
    search_fields = ["user__email", "user__birth_name", "user__usage_name"]
    readonly_fields = ["state", "submitted_at", "decided_at", "created_at", "created_by"]
    inlines = [DossierLogInline]
