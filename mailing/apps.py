from django.apps import AppConfig


class MailingConfig(AppConfig):
    name = "mailing"
    verbose_name = "Courriels"

    def ready(self):
        from django.core.signals import request_finished

        from . import deferred

        request_finished.connect(deferred.run_after_response, dispatch_uid="mailing_deferred_after_response")
