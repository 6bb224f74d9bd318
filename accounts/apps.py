from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Élus et comptes"

    def ready(self):
        from django.db.backends.signals import connection_created

        from dife_portal import collation
        from mailing import deferred

        from . import checks, password_reset  # noqa: F401  (importing checks registers the system checks)

        deferred.register(password_reset.PASSWORD_RESET, password_reset.mail_reset_link)
        # SQLite has no French collation of its own: every connection gets one (PostgreSQL: a migration).
        connection_created.connect(collation.register_sqlite, dispatch_uid="french_collation")
