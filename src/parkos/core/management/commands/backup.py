from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from parkos.core.backups import BackupError, backup_create


class Command(BaseCommand):
    # A backup must be possible whatever state the code is in.
    requires_system_checks = []
    help = "Take a consistent backup of the database while ParkOS runs (pg_dump or SQLite's backup API)."

    def add_arguments(self, parser):
        parser.add_argument(
            "target",
            nargs="?",
            help="The file to write (default: var/backups/parkos-<time>.backup).",
        )

    def handle(self, *args, target=None, **options):
        from django.conf import settings

        path = Path(
            target
            or settings.BASE_DIR
            / "var"
            / "backups"
            / f"parkos-{timezone.localtime():%Y%m%d-%H%M%S}.backup"
        )
        try:
            written = backup_create(target=path)
        except BackupError as failed:
            raise CommandError(str(failed)) from failed
        self.stdout.write(f"{written} ({written.stat().st_size:,} bytes)")
