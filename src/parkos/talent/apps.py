from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TalentConfig(AppConfig):
    name = "parkos.talent"
    label = "talent"
    verbose_name = _("Talent services")

    def ready(self):
        from parkos.approvals.registry import register_subject
        from parkos.talent.services import onething

        register_subject(
            onething.SUBJECT,
            on_approved=onething.on_case_approved,
            on_rejected=onething.on_case_rejected,
            on_withdrawn=onething.on_case_withdrawn,
            describe=onething.describe_subcase,
        )
