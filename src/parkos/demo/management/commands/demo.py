import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from parkos.demo.accounts import DEMO_USERS
from parkos.demo.context import DEMO_PASSWORD
from parkos.demo.loader import demo_load, demo_loaded


class Command(BaseCommand):
    help = "Migrate, load the demo park network (once) and serve ParkOS."

    def add_arguments(self, parser):
        parser.add_argument("--no-serve", action="store_true", help="Only load the data.")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")

    def handle(self, *args, no_serve=False, port=8000, host="127.0.0.1", **options):
        call_command("migrate", interactive=False, verbosity=0)
        if demo_loaded():
            self.stdout.write("The demo data is already loaded.")
        else:
            self.stdout.write("Loading the demo park network …")
            demo_load(report=self.stdout.write)
        self.stdout.write(self.style.SUCCESS(f"Demo logins (password: {DEMO_PASSWORD}):"))
        for username, display_name, _role, _scope in DEMO_USERS:
            self.stdout.write(f"  {username:<11} {display_name}")
        self.stdout.write("  admin       the Django admin at /admin/")
        if no_serve:
            return
        self.stdout.write(self.style.SUCCESS(f"ParkOS is at http://{host}:{port}/"))
        from parkos.cli import serve

        # The demo serves on the loopback with this checkout's own key (core/secrets.py).
        settings.LOCAL_KEY_ALLOWED = True

        companions = [
            self._spawn("run-schedule"),
            self._spawn("simulate", "--base-url", f"http://{host}:{port}"),
        ]
        if settings.MQTT_URL:
            companions.append(self._spawn("iot-ingest"))
        try:
            serve(host=host, port=port)
        finally:
            for process in companions:
                process.terminate()
            for process in companions:
                process.wait(timeout=10)

    def _spawn(self, *command: str) -> subprocess.Popen:
        """The periodic jobs, the device simulator and (with a broker) the MQTT ingest
        worker run beside the web server: the embedded default has no Celery beat and no
        real devices."""
        return subprocess.Popen([sys.executable, "-m", "parkos.cli", *command])
