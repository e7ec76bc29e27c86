from django.core.management.base import BaseCommand, CommandError

from parkos.property.months import parse_month
from parkos.property.tasks import property_score_month


class Command(BaseCommand):
    help = "Score every property company for a month (default: last month); closed months stay."

    def add_arguments(self, parser):
        parser.add_argument("--month", default="", help="YYYY-MM")

    def handle(self, *args, month="", **options):
        if month and parse_month(month) is None:
            raise CommandError("--month must be YYYY-MM")
        self.stdout.write(f"{property_score_month.run(month)} scores computed")
