from django.contrib import admin

from dife_portal.admin_search import BoundedSearchMixin

from .models import OutgoingAttachment, OutgoingEmail


class OutgoingAttachmentInline(admin.TabularInline):
    model = OutgoingAttachment
    extra = 0
    can_delete = False
    fields = ["filename", "content_type", "size"]
    readonly_fields = fields

    @admin.display(description="taille (octets)")
    def size(self, obj):
        return len(obj.content)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(BoundedSearchMixin, admin.ModelAdmin):
    list_display = ["subject", "to", "created_at", "sent_at", "attempts"]
    list_filter = [("sent_at", admin.EmptyFieldListFilter)]
    search_fields = ["to", "subject"]
    readonly_fields = [f.name for f in OutgoingEmail._meta.fields]
    inlines = [OutgoingAttachmentInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
