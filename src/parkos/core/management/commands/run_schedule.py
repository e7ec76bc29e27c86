from django.core.management.base import BaseCommand

from parkos.core.schedule import run_forever


class Command(BaseCommand):
    help = (
        "Run the periodic jobs in this process (the embedded default; production uses celery beat)."
    )

    def handle(self, *args, **options):
        self.stdout.write("Running the periodic jobs; stop with Ctrl-C.")
        run_forever()
