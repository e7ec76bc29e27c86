from django.core.management.base import BaseCommand

from parkos.iot.simulator import Simulator


class Command(BaseCommand):
    help = (
        "Feed the demo park's devices with realistic telemetry (over MQTT when MQTT_URL is "
        "set, else over the HTTP device API), including an over-temperature room, a silent "
        "energy meter and a smoke alarm."
    )

    def add_arguments(self, parser):
        parser.add_argument("--base-url", default="http://127.0.0.1:8000")
        parser.add_argument("--interval", type=float, default=5.0, help="Seconds between rounds.")
        parser.add_argument("--steps", type=int, default=None, help="Stop after this many rounds.")

    def handle(self, *args, base_url, interval, steps, **options):
        simulator = Simulator(base_url=base_url, interval=interval)
        try:
            simulator.run(steps=steps, report=self.stdout.write)
        except KeyboardInterrupt:
            simulator.stopping.set()
