from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CrowdConfig(AppConfig):
    name = "parkos.crowd"
    label = "crowd"
    verbose_name = _("Crowd flow")

    def ready(self):
        from parkos.core.imports import register_importer
        from parkos.crowd.services.counts import COUNTS_IMPORTER

        # Registered so that its jobs' pages and background runs find it by kind.
        register_importer(COUNTS_IMPORTER)
