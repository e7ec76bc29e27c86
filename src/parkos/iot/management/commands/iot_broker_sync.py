from django.core.management.base import BaseCommand

from parkos.iot.broker import broker_admin
from parkos.iot.models import Device


class Command(BaseCommand):
    help = "Disable on the MQTT broker the logins of devices that hold no valid credential."

    def handle(self, *args, **options):
        revoked = Device.objects.exclude(credentials__revoked_at__isnull=True).distinct()
        with broker_admin() as admin:
            admin.setup()
            for device in revoked:
                admin.device_deny(device.id)
        self.stdout.write(f"{revoked.count()} device logins disabled")
