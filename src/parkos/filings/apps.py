from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FilingsConfig(AppConfig):
    name = "parkos.filings"
    label = "filings"
    verbose_name = _("Filings")
