from django.apps import AppConfig


class EnrolmentConfig(AppConfig):
    name = "enrolment"
    verbose_name = "Inscriptions"

    def ready(self):
        from . import checks  # noqa: F401  (registers the system checks)
