from django.apps import AppConfig


class EnrolmentConfig(AppConfig):
    name = "enrolment"
    verbose_name = "Inscriptions"

    def ready(self):
        from trainings import availability

        from . import seats

        availability.register(seats.annotations)
