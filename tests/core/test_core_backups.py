"""`parkos backup` while rows are being written, then `parkos restore`: the restored database is a
consistent snapshot (every transaction wholly in or wholly out), on SQLite and on PostgreSQL.
The scratch databases hold one table of their own; the tools copy whatever the database holds."""

import os
import sqlite3
import subprocess
import sys
import threading
import time
import uuid

import pytest

from conftest import port_open, require

BATCH = 50
KEY = "backup-test-" + "k" * 50


def _parkos(*args, database_url: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": KEY}
    env.pop("PYTEST_VERSION", None)
    return subprocess.run(
        [sys.executable, "-m", "parkos.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


class Writer(threading.Thread):
    """Writes batches of BATCH rows, one transaction each, until told to stop."""

    def __init__(self, connect):
        super().__init__(daemon=True)
        self.connect, self.batches, self.stop = connect, 0, threading.Event()

    def run(self):
        connection = self.connect()
        while not self.stop.is_set():
            cursor = connection.cursor()
            cursor.executemany(
                "INSERT INTO readings (batch, seq) VALUES (%s, %s)".replace("%s", self.mark),
                [(self.batches, seq) for seq in range(BATCH)],
            )
            connection.commit()
            self.batches += 1
        connection.close()


def _check_consistent(rows: list[tuple[int, int]], written: int) -> int:
    per_batch: dict[int, int] = {}
    for batch, count in rows:
        per_batch[batch] = count
    assert per_batch, "the backup holds no batch at all"
    assert all(count == BATCH for count in per_batch.values()), "a half-written batch"
    assert sorted(per_batch) == list(range(len(per_batch))), "a batch missing in the middle"
    assert len(per_batch) <= written
    return len(per_batch)


def test_sqlite_backup_while_writing_restores_a_consistent_snapshot(tmp_path):
    path = tmp_path / "live.sqlite3"
    url = f"sqlite:///{path}"
    setup = sqlite3.connect(path)
    setup.execute("PRAGMA journal_mode=WAL")
    setup.execute("CREATE TABLE readings (batch INTEGER, seq INTEGER)")
    setup.commit()
    setup.close()

    writer = Writer(lambda: sqlite3.connect(path, timeout=20))
    writer.mark = "?"
    writer.start()
    time.sleep(0.5)
    backup = tmp_path / "snapshot.backup"
    taken = _parkos("backup", str(backup), database_url=url)
    time.sleep(0.5)
    writer.stop.set()
    writer.join()
    assert taken.returncode == 0, taken.stderr

    restored = _parkos("restore", str(backup), "--yes", database_url=url)
    assert restored.returncode == 0, restored.stderr
    check = sqlite3.connect(path)
    rows = check.execute("SELECT batch, COUNT(*) FROM readings GROUP BY batch").fetchall()
    check.close()
    kept = _check_consistent(rows, writer.batches)
    assert kept < writer.batches, "the restore did not replace rows written after the backup"


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path):
    path = tmp_path / "live.sqlite3"
    sqlite3.connect(path).close()
    junk = tmp_path / "junk.backup"
    junk.write_text("not a database")
    refused = _parkos("restore", str(junk), "--yes", database_url=f"sqlite:///{path}")
    assert refused.returncode != 0
    assert "is not a SQLite backup" in refused.stderr


def test_postgresql_backup_while_writing_restores_a_consistent_snapshot(tmp_path):
    require(port_open("127.0.0.1", 5432), "PostgreSQL is not running on 127.0.0.1:5432")
    psycopg = pytest.importorskip("psycopg")
    name = f"parkos_backup_{uuid.uuid4().hex[:8]}"
    admin = psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True)
    admin.execute(f'CREATE DATABASE "{name}"')
    url = f"postgres://postgres@127.0.0.1:5432/{name}"
    try:
        with psycopg.connect(url.replace("postgres://", "postgresql://")) as setup:
            setup.execute("CREATE TABLE readings (batch integer, seq integer)")
        writer = Writer(lambda: psycopg.connect(url.replace("postgres://", "postgresql://")))
        writer.mark = "%s"
        writer.start()
        time.sleep(0.5)
        backup = tmp_path / "snapshot.backup"
        taken = _parkos("backup", str(backup), database_url=url)
        time.sleep(0.5)
        writer.stop.set()
        writer.join()
        assert taken.returncode == 0, taken.stderr

        restored = _parkos("restore", str(backup), "--yes", database_url=url)
        assert restored.returncode == 0, restored.stderr
        with psycopg.connect(url.replace("postgres://", "postgresql://")) as check:
            rows = check.execute("SELECT batch, COUNT(*) FROM readings GROUP BY batch").fetchall()
        kept = _check_consistent(rows, writer.batches)
        assert kept < writer.batches
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
