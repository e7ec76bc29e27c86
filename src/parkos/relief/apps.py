from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReliefConfig(AppConfig):
    name = "parkos.relief"
    label = "relief"
    verbose_name = _("Rent relief")
