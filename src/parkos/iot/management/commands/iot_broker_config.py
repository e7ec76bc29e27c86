from django.core.management.base import BaseCommand

from parkos.iot.broker import broker_files_prepare


class Command(BaseCommand):
    help = "Write a Mosquitto configuration (and dynamic-security file) for ParkOS."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=1883)
        parser.add_argument("--data-dir", required=True)
        parser.add_argument("--admin", default="parkos-admin")
        parser.add_argument("--admin-password", required=True)

    def handle(self, *args, port, data_dir, admin, admin_password, **options):
        config = broker_files_prepare(
            data_dir=data_dir, port=port, admin=admin, password=admin_password
        )
        self.stdout.write(config.read_text())
