from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarketplaceConfig(AppConfig):
    name = "parkos.marketplace"
    label = "marketplace"
    verbose_name = _("Cloud service supermarket")

    def ready(self) -> None:
        from parkos.marketplace import approvals_door

        approvals_door.register()
