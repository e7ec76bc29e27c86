from django.core.management.base import BaseCommand

from parkos.crowd.services import counts_rollup


class Command(BaseCommand):
    help = (
        "Roll live people-counter telemetry up into hourly counts and raise or clear "
        "live-count warnings."
    )

    def add_arguments(self, parser):
        parser.add_argument("--hours", type=int, default=3, help="complete hours to (re)compute")

    def handle(self, *args, **options):
        report = counts_rollup(hours_back=options["hours"])
        self.stdout.write(
            f"{report['hours']} hourly counts written; {report['areas']} areas checked live."
        )
