"""A production start without its own key, or with a key published in the source, is refused
with a message that says what to do; the demo and a developer's commands get a key of their own."""

import os
import subprocess
import sys

from parkos.core.secrets import PUBLISHED_KEYS, local_key

GOOD_KEY = "k" + "Zq8#vR2!xW5$mP9&tL3*nB7^cF1@hJ4%dS6-k0Y+uE8~gT2=aN5;wQ9"


def _start(env_extra: dict, module: str = "parkos.config.wsgi") -> subprocess.CompletedProcess:
    env = {
        k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG", "PYTEST_VERSION")
    }
    env.update({"DJANGO_SETTINGS_MODULE": "parkos.config.settings", **env_extra})
    return subprocess.run(
        [sys.executable, "-c", f"import {module}"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_production_start_without_a_key_stops_with_a_clear_message():
    started = _start({"DEBUG": "false"})
    assert started.returncode != 0
    assert "SECRET_KEY is not set" in started.stderr


def test_a_published_key_stops_the_start():
    started = _start({"DEBUG": "false", "SECRET_KEY": next(iter(PUBLISHED_KEYS))})
    assert started.returncode != 0
    assert "published" in started.stderr


def test_a_key_of_its_own_starts():
    started = _start({"DEBUG": "false", "SECRET_KEY": GOOD_KEY})
    assert started.returncode == 0, started.stderr


def test_check_deploy_reports_a_missing_key():
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "PYTEST_VERSION")}
    checked = subprocess.run(
        [sys.executable, "-m", "parkos.cli", "check", "--deploy"],
        env={**env, "DEBUG": "true"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "parkos.E001" in checked.stderr + checked.stdout
    assert checked.returncode != 0


def test_a_laptop_key_is_made_once_and_kept(tmp_path):
    path = tmp_path / "var" / "secret_key"
    first = local_key(path)
    assert len(first) >= 50 and first not in PUBLISHED_KEYS
    assert local_key(path) == first
    assert oct(path.stat().st_mode & 0o777) == "0o600"
