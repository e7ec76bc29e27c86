from django.core.management.base import BaseCommand

from parkos.property.tasks import property_check_sla


class Command(BaseCommand):
    help = "Escalate tickets past their SLA deadlines to the dispatcher and the manager."

    def handle(self, *args, **options):
        self.stdout.write(f"{property_check_sla.run()} tickets escalated")
