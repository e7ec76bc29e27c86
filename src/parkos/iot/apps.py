from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IotConfig(AppConfig):
    name = "parkos.iot"
    label = "iot"
    verbose_name = _("Operations center")

    def ready(self):
        from parkos.core.imports import register_importer
        from parkos.iot.services.devices import DEVICE_IMPORTER

        # Registered so that its jobs' pages and background runs find it by kind.
        register_importer(DEVICE_IMPORTER)
