from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Élus et comptes"

    def ready(self):
        from mailing import deferred

        from . import checks, password_reset  # noqa: F401  (importing checks registers the system checks)

        deferred.register(password_reset.PASSWORD_RESET, password_reset.mail_reset_link)
