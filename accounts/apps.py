from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Élus et comptes"

    def ready(self):
        from django.contrib.auth.signals import user_logged_out
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_delete, post_save

        from dife_portal import collation

        from . import checks  # noqa: F401  (registers the system checks)

        # SQLite has no French collation of its own: every connection gets one (PostgreSQL: a migration).
        connection_created.connect(collation.register_sqlite, dispatch_uid="french_collation")

        user_logged_out.connect(_signed_out, dispatch_uid="page_cache_signed_out")
        post_save.connect(_account_changed, sender="accounts.User", dispatch_uid="page_cache_user_save")
        post_delete.connect(_account_changed, sender="accounts.User", dispatch_uid="page_cache_user_delete")


def _account_changed(sender, instance, **kwargs):
    """A password changed, an account deactivated or deleted: the élu's signed-in pages are no longer served from
    the cache (dife_portal.page_cache.cache_elu_page), so every browser of that élu is checked anew."""
    from dife_portal import page_cache

    page_cache.bump_after_commit([page_cache.elu_version(instance.pk)])


def _signed_out(sender, request, **kwargs):
    """The answer to this request removes the élu cookie (dife_portal.middleware.ForgetEluCookieMiddleware)."""
    if request is not None:
        request.signed_out = True
