from django.apps import AppConfig


class FcSimulatorConfig(AppConfig):
    """A local FranceConnect for `make run`: installed only with FRANCECONNECT_SIMULATOR=1 and DEBUG."""

    name = "fc_simulator"
    verbose_name = "Simulateur FranceConnect"
