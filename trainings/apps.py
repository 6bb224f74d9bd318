from django.apps import AppConfig


class TrainingsConfig(AppConfig):
    name = "trainings"
    verbose_name = "Catalogue des formations"

    def ready(self):
        from . import catalogue_cache

        catalogue_cache.connect()
