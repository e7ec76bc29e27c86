"""The MQTT broker as ParkOS sees it: where it is (MQTT_URL), its configuration (rendered
from deploy/mosquitto), and the logins and ACLs of devices, kept through Mosquitto's
dynamic-security plugin over its $CONTROL topic."""

import getpass
import json
import os
import shutil
import subprocess
import threading
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.conf import settings
from django.utils.translation import gettext as _

DEVICE_ROLE = "parkos-device"
TOPIC_ROOT = "parkos/v1/devices"
SHARE_GROUP = "parkos-ingest"
CONTROL = "$CONTROL/dynamic-security/v1"
DYNSEC_PLUGIN = "/usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so"
TEMPLATE = Path(settings.BASE_DIR) / "deploy" / "mosquitto" / "mosquitto.conf.template"
GATE_SOURCE = TEMPLATE.with_name("parkos_ingest_gate.c")
GATE_BUILD_PACKAGES = "gcc, mosquitto-dev, libmosquitto-dev"
# What the ingest workers subscribe to; the gate lets devices in once all of them exist.
INGEST_SUBSCRIPTIONS = (
    f"$share/{SHARE_GROUP}/{TOPIC_ROOT}/+/telemetry",
    f"$share/{SHARE_GROUP}/{TOPIC_ROOT}/+/attributes",
)


@dataclass(frozen=True)
class BrokerAddress:
    host: str
    port: int
    username: str
    password: str
    tls: bool


def broker_address(url: str | None = None) -> BrokerAddress:
    parsed = urlparse(url or settings.MQTT_URL)
    if parsed.scheme not in ("mqtt", "mqtts", "tcp"):
        raise ValueError("MQTT_URL must look like mqtt://user:password@host:1883")
    return BrokerAddress(
        host=parsed.hostname or "127.0.0.1",
        port=parsed.port or (8883 if parsed.scheme == "mqtts" else 1883),
        username=unquote(parsed.username or ""),
        password=unquote(parsed.password or ""),
        tls=parsed.scheme == "mqtts",
    )


def device_topic(device_id, kind: str = "telemetry") -> str:
    return f"{TOPIC_ROOT}/{device_id}/{kind}"


class BrokerGateError(Exception):
    pass


def gate_plugin_build(directory: Path) -> Path:
    """Compile the ingest gate (deploy/mosquitto/parkos_ingest_gate.c) into `directory`,
    unless a build at least as new as the source is there. Needs a C compiler and
    Mosquitto's plugin headers (Debian: gcc, mosquitto-dev, libmosquitto-dev)."""
    target = Path(directory) / "parkos_ingest_gate.so"
    if target.exists() and target.stat().st_mtime >= GATE_SOURCE.stat().st_mtime:
        return target
    compiler = shutil.which(os.environ.get("CC", "cc"))
    if compiler is None:
        raise BrokerGateError(
            _("No C compiler to build the MQTT ingest gate: install %(packages)s.")
            % {"packages": GATE_BUILD_PACKAGES}
        )
    # Written under another name and renamed: a broker starting meanwhile never loads a
    # half-written library.
    partial = target.with_name(f".{target.name}.{os.getpid()}")
    result = subprocess.run(
        [
            compiler,
            "-shared",
            "-fPIC",
            "-O2",
            "-Wall",
            "-std=c99",
            "-D_POSIX_C_SOURCE=200809L",
            "-o",
            str(partial),
            str(GATE_SOURCE),
        ],
        capture_output=True,
        text=True,
    )
    if result.returncode:
        raise BrokerGateError(
            _("Building the MQTT ingest gate failed (are %(packages)s installed?): %(error)s")
            % {"packages": GATE_BUILD_PACKAGES, "error": result.stderr.strip()}
        )
    partial.replace(target)
    return target


def broker_config_render(
    *, port: int, data_dir: str, admin: str, host: str = "127.0.0.1", gate: Path | None = None
) -> str:
    """The broker's configuration. Without `gate`, devices may publish before any ingest
    worker has subscribed after a restart, and those messages are dropped."""
    gate_section = (
        "# No ingest gate: devices are let in before the ingest workers have subscribed."
        if gate is None
        else "\n".join(
            (
                f"plugin {gate}",
                f"plugin_opt_ingest_logins {admin}",
                f"plugin_opt_ingest_subscriptions {','.join(INGEST_SUBSCRIPTIONS)}",
            )
        )
    )
    return TEMPLATE.read_text().format(
        port=port,
        host=host,
        data_dir=str(data_dir).rstrip("/"),
        plugin=DYNSEC_PLUGIN,
        gate=gate_section,
        user=getpass.getuser(),
    )


def broker_files_prepare(
    *, data_dir: str, port: int, admin: str, password: str, gate: bool = True
) -> Path:
    """Write mosquitto.conf, the ingest gate and a fresh dynamic-security.json with one
    admin login (the ingest workers' login too)."""
    directory = Path(data_dir)
    directory.mkdir(parents=True, exist_ok=True)
    # The gate first: a build that fails leaves nothing half-written.
    gate_plugin = gate_plugin_build(directory) if gate else None
    dynsec = directory / "dynamic-security.json"
    if not dynsec.exists():
        subprocess.run(
            ["mosquitto_ctrl", "dynsec", "init", str(dynsec), admin, password],
            check=True,
            capture_output=True,
        )
    config = directory / "mosquitto.conf"
    config.write_text(
        broker_config_render(port=port, data_dir=str(directory), admin=admin, gate=gate_plugin)
    )
    return config


def mqtt_client(*, client_id: str, address: BrokerAddress, client_class=None, **options):
    """A paho MQTT 5 client logged in as `address` says (not yet connected)."""
    import paho.mqtt.client as mqtt

    client = (client_class or mqtt.Client)(
        mqtt.CallbackAPIVersion.VERSION2,
        client_id=client_id,
        protocol=mqtt.MQTTv5,
        **options,
    )
    if address.username:
        client.username_pw_set(address.username, address.password)
    if address.tls:
        client.tls_set()
    return client


class BrokerAdminError(Exception):
    pass


class BrokerAdmin:
    """Commands to the dynamic-security plugin, each waiting for its answer."""

    def __init__(self, address: BrokerAddress, timeout: float = 5.0):
        self.address = address
        self.timeout = timeout
        self._responses: list = []
        self._arrived = threading.Condition()
        self.client = mqtt_client(client_id=f"parkos-admin-{uuid.uuid4().hex[:8]}", address=address)
        self.client.on_message = self._on_message

    def _on_message(self, client, userdata, message):
        with self._arrived:
            self._responses.append(json.loads(message.payload))
            self._arrived.notify_all()

    def open(self):
        from paho.mqtt.enums import MQTTErrorCode

        connected = threading.Event()
        self.client.on_connect = lambda *args: connected.set()
        if (
            self.client.connect(self.address.host, self.address.port, keepalive=30)
            != MQTTErrorCode.MQTT_ERR_SUCCESS
        ):
            raise BrokerAdminError("cannot reach the MQTT broker")
        self.client.loop_start()
        if not connected.wait(self.timeout):
            raise BrokerAdminError("the MQTT broker did not accept the admin login")
        self.client.subscribe(f"{CONTROL}/response", qos=1)
        return self

    def close(self):
        self.client.disconnect()
        self.client.loop_stop()

    def run(self, *commands: dict, tolerate: tuple[str, ...] = ()) -> list[dict]:
        """Send commands in one message; an error not in `tolerate` raises. Every admin
        hears every answer on the shared response topic, so ours are told apart by their
        correlation data."""
        tag = uuid.uuid4().hex
        commands = [
            {**command, "correlationData": f"{tag}:{n}"} for n, command in enumerate(commands)
        ]
        self.client.publish(CONTROL, json.dumps({"commands": commands}), qos=1)

        def ours():
            for message in self._responses:
                answers = message.get("responses", [])
                if answers and str(answers[0].get("correlationData", "")).startswith(tag):
                    return message
            return None

        with self._arrived:
            if not self._arrived.wait_for(lambda: ours() is not None, self.timeout):
                raise BrokerAdminError("no answer from the dynamic-security plugin")
            message = ours()
            self._responses.remove(message)
        answers = message["responses"]
        for answer in answers:
            error = answer.get("error")
            if error and not any(text in error for text in tolerate):
                raise BrokerAdminError(f"{answer.get('command')}: {error}")
        return answers

    def setup(self) -> None:
        """Nothing to prepare beyond the admin login: each device gets a role of its own.
        (Mosquitto 2.0's dynamic security has no %u pattern in ACLs; the ingest workers log
        in as the dynsec admin, whose default role may subscribe to every topic.)"""
        self.run({"command": "listRoles"})

    def device_allow(self, device_id, password: str) -> None:
        """Create or re-key the device's login; it may publish only under its own topic."""
        username = str(device_id)
        role = f"{DEVICE_ROLE}-{username}"
        self.run({"command": "createRole", "rolename": role}, tolerate=("already exists",))
        self.run(
            {
                "command": "addRoleACL",
                "rolename": role,
                "acltype": "publishClientSend",
                "topic": f"{TOPIC_ROOT}/{username}/#",
                "allow": True,
            },
            tolerate=("already exists",),
        )
        answers = self.run(
            {
                "command": "createClient",
                "username": username,
                "password": password,
                "roles": [{"rolename": role}],
            },
            tolerate=("already exists",),
        )
        if answers[0].get("error"):
            self.run(
                {"command": "setClientPassword", "username": username, "password": password},
                {"command": "enableClient", "username": username},
            )

    def device_deny(self, device_id) -> None:
        """Disable the login; a connected device is disconnected at once."""
        self.run(
            {"command": "disableClient", "username": str(device_id)},
            tolerate=("not found",),
        )


@contextmanager
def broker_admin(url: str | None = None):
    admin = BrokerAdmin(broker_address(url)).open()
    try:
        yield admin
    finally:
        admin.close()
