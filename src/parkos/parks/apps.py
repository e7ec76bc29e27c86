from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParksConfig(AppConfig):
    name = "parkos.parks"
    label = "parks"
    verbose_name = _("Park network")

    def ready(self) -> None:
        from parkos.core.imports import register_importer
        from parkos.parks.imports import ENTERPRISES

        register_importer(ENTERPRISES)
