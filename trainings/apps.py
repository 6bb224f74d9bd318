from django.apps import AppConfig


class TrainingsConfig(AppConfig):
    name = "trainings"
    verbose_name = "Catalogue des formations"

    def ready(self):
        from . import catalogue_cache, checks  # noqa: F401  (checks: registers the system checks)

        catalogue_cache.connect()
