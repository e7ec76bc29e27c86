from django.core.management.base import BaseCommand, CommandError

from parkos.iot.broker import BrokerGateError, broker_files_prepare


class Command(BaseCommand):
    help = (
        "Write a Mosquitto configuration (and dynamic-security file) for ParkOS, with the "
        "ingest gate built beside it."
    )

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=1883)
        parser.add_argument("--data-dir", required=True)
        parser.add_argument("--admin", default="parkos-admin")
        parser.add_argument("--admin-password", required=True)
        parser.add_argument(
            "--without-gate",
            action="store_true",
            help="No ingest gate (no C compiler here): after a broker restart, what devices "
            "publish before an ingest worker has subscribed again is dropped.",
        )

    def handle(self, *args, port, data_dir, admin, admin_password, without_gate, **options):
        try:
            config = broker_files_prepare(
                data_dir=data_dir,
                port=port,
                admin=admin,
                password=admin_password,
                gate=not without_gate,
            )
        except BrokerGateError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(config.read_text())
