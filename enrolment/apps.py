from django.apps import AppConfig


class EnrolmentConfig(AppConfig):
    name = "enrolment"
    verbose_name = "Inscriptions"

    def ready(self):
        from accounts import deletion
        from trainings import availability

        from . import checks, seats, services  # noqa: F401  (importing checks registers the system checks)

        availability.register(seats.annotations)
        deletion.register(services.has_dossier_in_progress)
