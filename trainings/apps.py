from django.apps import AppConfig


class TrainingsConfig(AppConfig):
    name = "trainings"
    verbose_name = "Catalogue des formations"

    def ready(self):
        from . import checks, page_cache  # noqa: F401  (checks: registers the system checks)

        page_cache.connect()
