from django.core.management.base import BaseCommand

from parkos.property.tasks import property_retrain


class Command(BaseCommand):
    help = "Retrain every property company's dispatch classifier from its own tickets."

    def handle(self, *args, **options):
        for company, samples in property_retrain.run().items():
            self.stdout.write(f"{company}: {samples} samples")
