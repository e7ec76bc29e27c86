from django.core.management.base import BaseCommand

from parkos.approvals.services import cases_flag_overdue


class Command(BaseCommand):
    help = "Flag approval cases whose step deadline has passed and notify their reviewers."

    def handle(self, *args, **options):
        flagged = cases_flag_overdue()
        self.stdout.write(f"{flagged} case(s) flagged overdue")
