from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TechTransferConfig(AppConfig):
    name = "parkos.techtransfer"
    label = "techtransfer"
    verbose_name = _("Technology transfer")
