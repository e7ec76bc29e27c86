import subprocess
import sys

from django.core.management.base import BaseCommand, CommandError

from parkos.iot.mqtt_worker import IngestWorker


class Command(BaseCommand):
    help = "Consume device telemetry from the MQTT broker (MQTT_URL) into the database."

    def add_arguments(self, parser):
        parser.add_argument("--name", default="1", help="Worker name; keep it across restarts.")
        parser.add_argument("--processes", type=int, default=1, help="Start this many workers.")
        parser.add_argument("--batch", type=int, default=5000)

    def handle(self, *args, name, processes, batch, **options):
        from django.conf import settings

        if not settings.MQTT_URL:
            raise CommandError("Set MQTT_URL, e.g. mqtt://user:password@127.0.0.1:1883")
        if processes > 1:
            children = [
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "parkos.cli",
                        "iot-ingest",
                        "--name",
                        f"{name}-{n}",
                        "--batch",
                        str(batch),
                    ]
                )
                for n in range(1, processes + 1)
            ]
            for child in children:
                child.wait()
            return
        self.stdout.write(f"ingest worker {name} consuming from the broker")
        IngestWorker(name=name, batch_size=batch).run()
