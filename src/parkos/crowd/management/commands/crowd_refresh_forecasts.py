import time

from django.core.management.base import BaseCommand, CommandError

from parkos.crowd.services import forecasts_refresh
from parkos.parks import selectors as park_selectors


class Command(BaseCommand):
    help = (
        "Refresh the crowd forecasts and forecast warnings: one task per chunk of areas "
        "(sent to the Celery workers when a broker is set, run here otherwise)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--park", help="park code; every park when left out")
        parser.add_argument(
            "--here", action="store_true", help="run every chunk in this process even with a broker"
        )

    def handle(self, *args, **options):
        park_id = None
        if options["park"]:
            park = park_selectors.park_list(actor=None).filter(code=options["park"]).first()
            if park is None:
                raise CommandError(f"No park with code {options['park']!r}.")
            park_id = park.id
        started = time.perf_counter()
        chunks = forecasts_refresh(park_id=park_id, inline=True if options["here"] else None)
        self.stdout.write(f"{chunks} forecast chunks in {time.perf_counter() - started:.1f} s.")
