from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReliefConfig(AppConfig):
    name = "parkos.relief"
    label = "relief"
    verbose_name = _("Rent relief")

    def ready(self):
        from parkos.approvals.registry import register_subject
        from parkos.relief import selectors, services

        register_subject(
            services.SUBJECT,
            on_approved=services.on_case_approved,
            on_rejected=services.on_case_rejected,
            on_withdrawn=services.on_case_withdrawn,
            describe=selectors.describe_application,
            describe_many=selectors.describe_applications,
        )
