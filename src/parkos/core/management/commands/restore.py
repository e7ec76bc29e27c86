from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from parkos.core.backups import BackupError, backup_restore


class Command(BaseCommand):
    # A backup must be possible whatever state the code is in.
    requires_system_checks = []
    help = "Replace the database's contents with a backup made by `parkos backup`. Stop the servers first."

    def add_arguments(self, parser):
        parser.add_argument("source")
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")

    def handle(self, *args, source, yes=False, **options):
        path = Path(source)
        if not path.is_file():
            raise CommandError(f"{path} does not exist.")
        if not yes and input("This replaces every row of the database. Type 'yes': ") != "yes":
            raise CommandError("Not restored.")
        try:
            backup_restore(source=path)
        except BackupError as failed:
            raise CommandError(str(failed)) from failed
        self.stdout.write(f"Restored from {path}.")
