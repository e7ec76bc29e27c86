"""`parkos iot-broker-config`: the broker configuration with the ingest gate built beside it."""

import os
import shutil
import subprocess
import time
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from conftest import free_port, port_open, require

MOSQUITTO_HEADERS = ("/usr/include/mosquitto_broker.h", "/usr/include/mosquitto.h")


def config_write(data_dir, *extra):
    out = StringIO()
    port = free_port()
    call_command(
        "iot_broker_config",
        "--data-dir",
        str(data_dir),
        "--port",
        str(port),
        "--admin-password",
        "pw-1",
        *extra,
        stdout=out,
    )
    return port, out.getvalue()


def test_the_configuration_loads_the_gate_before_dynamic_security(tmp_path):
    require(shutil.which("mosquitto") is not None, "mosquitto is not installed")
    require(
        shutil.which(os.environ.get("CC", "cc")) is not None or shutil.which("gcc") is not None,
        "no C compiler (gcc) for the ingest gate",
    )
    # A fresh machine has the broker without its plugin headers; the gate cannot be built.
    for header in MOSQUITTO_HEADERS:
        require(
            Path(header).exists(), f"{header} is missing: install mosquitto-dev, libmosquitto-dev"
        )
    port, text = config_write(tmp_path)
    gate = tmp_path / "parkos_ingest_gate.so"
    assert gate.exists()
    plugins = [line.split()[1] for line in text.splitlines() if line.startswith("plugin ")]
    assert plugins[0] == str(gate)
    assert plugins[1].endswith("mosquitto_dynamic_security.so")
    assert "plugin_opt_ingest_logins parkos-admin" in text
    assert (
        "plugin_opt_ingest_subscriptions $share/parkos-ingest/parkos/v1/devices/+/telemetry,"
        "$share/parkos-ingest/parkos/v1/devices/+/attributes"
    ) in text
    broker = subprocess.Popen(
        ["mosquitto", "-c", str(tmp_path / "mosquitto.conf")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 10
        while not port_open("127.0.0.1", port):
            assert broker.poll() is None, broker.stderr.read().decode()
            assert time.monotonic() < deadline, "mosquitto did not start"
            time.sleep(0.05)
    finally:
        broker.terminate()
        broker.wait(10)


def test_without_a_compiler_it_says_what_to_install_and_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("CC", "/nonexistent/cc")
    with pytest.raises(CommandError, match="gcc, mosquitto-dev, libmosquitto-dev"):
        config_write(tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_without_the_gate_when_asked(tmp_path):
    require(shutil.which("mosquitto_ctrl") is not None, "mosquitto is not installed")
    _, text = config_write(tmp_path, "--without-gate")
    plugins = [line for line in text.splitlines() if line.startswith("plugin ")]
    assert len(plugins) == 1 and plugins[0].endswith("mosquitto_dynamic_security.so")
    assert not (tmp_path / "parkos_ingest_gate.so").exists()
