from django.contrib import admin

from . import admin_invitations  # noqa: F401 - registers InvitationAdmin
from .models import Organiser, Session, Theme, Training


class SessionInline(admin.TabularInline):
    model = Session
    extra = 0


@admin.register(Training)
class TrainingAdmin(admin.ModelAdmin):
    list_display = ["title", "reference", "theme", "modality", "price", "is_published"]
    list_filter = ["theme", "modality", "is_published"]
    search_fields = ["title", "reference", "summary"]
    inlines = [SessionInline]


admin.site.register(Organiser)
admin.site.register(Theme)
