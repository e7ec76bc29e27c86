"""`parkos crowd-eval FILE.csv --cutoff YYYY-MM-DD --country NZ [--horizon 24]`

Evaluates day-ahead crowd forecasts on a long counts CSV. Progress and a per-sensor
table go first; the last line printed is one JSON object with the figures.
"""

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from parkos.crowd.forecast.errors import ForecastInputError
from parkos.crowd.forecast.evaluation import evaluate_day_ahead
from parkos.crowd.forecast.io import read_counts_csv


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as error:
        raise CommandError(_("--cutoff must be a date as YYYY-MM-DD.")) from error


class Command(BaseCommand):
    help = "Evaluate day-ahead crowd forecasts on a long counts CSV (timestamp,sensor,count)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="long counts CSV: timestamp,sensor,count")
        parser.add_argument("--cutoff", required=True, help="first day of the test period")
        parser.add_argument(
            "--country", required=True, help="holiday calendar: ISO code, e.g. CN, NZ or NZ-AUK"
        )
        parser.add_argument("--horizon", type=int, default=24, help="hours ahead (1-168)")

    def handle(self, *args, **options):
        cutoff = _date(options["cutoff"])
        try:
            counts = read_counts_csv(options["file"])
            result = evaluate_day_ahead(
                counts, cutoff=cutoff, region=options["country"], horizon_hours=options["horizon"]
            )
        except FileNotFoundError as error:
            raise CommandError(_("No such file: %(path)s") % {"path": options["file"]}) from error
        except ForecastInputError as error:
            where = []
            if error.row is not None:
                where.append(_("row %(row)d") % {"row": error.row})
            if error.field:
                where.append(_("field %(field)s") % {"field": error.field})
            prefix = f"[{', '.join(where)}] " if where else ""
            raise CommandError(prefix + error.message) from error

        summary = result.summary
        baseline = summary["baseline"]
        self.stderr.write(f"{'sensor':<36} {'model':<20} {'accuracy':>8} {'baseline':>8} {'f1':>6}")
        for sensor, figures in sorted(
            summary["sensors"].items(), key=lambda item: item[1]["accuracy"]
        ):
            self.stderr.write(
                f"{sensor:<36} {summary['models'][sensor]:<20} {figures['accuracy']:>8.3f} "
                f"{baseline['sensors'][sensor]['accuracy']:>8.3f} {figures['f1'] or 0:>6.3f}"
            )
        self.stdout.write(json.dumps(summary, ensure_ascii=False))
