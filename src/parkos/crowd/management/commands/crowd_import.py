from django.core.management.base import BaseCommand, CommandError

from parkos.core.errors import ServiceError
from parkos.crowd.services import counts_import
from parkos.parks import selectors as park_selectors


class Command(BaseCommand):
    help = (
        "Import hourly people counts from a long CSV (timestamp,sensor,count; local time, "
        "ISO 8601, UTF-8) into a park's counters, matched by sensor name. All or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the counts CSV")
        parser.add_argument("--park", required=True, help="park code, e.g. pujiang")
        parser.add_argument(
            "--create-counters",
            action="store_true",
            help="create a counter (without an area) for each sensor not known yet",
        )

    def handle(self, *args, **options):
        park = park_selectors.park_list(actor=None).filter(code=options["park"]).first()
        if park is None:
            raise CommandError(f"No park with code {options['park']!r}.")
        try:
            with open(options["file"], "rb") as source:
                report = counts_import(
                    actor=None,
                    park=park,
                    source=source,
                    create_counters=options["create_counters"],
                )
        except OSError as error:
            raise CommandError(str(error)) from error
        except ServiceError as error:
            raise CommandError(f"{error.message} — nothing was imported.") from error
        self.stdout.write(
            f"Imported {report['counts']} hourly counts of {report['sensors']} sensors "
            f"({report['gaps']} gaps kept, {report['counters_created']} counters created), "
            f"{report['first']} to {report['last']}."
        )
