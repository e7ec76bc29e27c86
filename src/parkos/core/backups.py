"""Backups through each engine's own consistent-snapshot tool. PostgreSQL: `pg_dump` in its
custom format (one MVCC snapshot, so rows written while it runs are either wholly in or wholly
out), restored with `pg_restore --clean`. SQLite: the online backup API, which copies pages
under a read transaction while writers go on in WAL mode, restored the same way in reverse."""

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.db import connections

# The first bytes of each format, so restore refuses the wrong kind of file before touching
# anything.
PG_MAGIC = b"PGDMP"
SQLITE_MAGIC = b"SQLite format 3\x00"


class BackupError(Exception):
    pass


def _pg_env(settings_dict: dict) -> tuple[list[str], dict]:
    args = ["-h", settings_dict.get("HOST") or "127.0.0.1"]
    if settings_dict.get("PORT"):
        args += ["-p", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        args += ["-U", settings_dict["USER"]]
    env = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = settings_dict["PASSWORD"]
    return args, env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed: install PostgreSQL's client tools.")
    return path


def backup_create(*, target: Path, alias: str = "default") -> Path:
    connection = connections[alias]
    target.parent.mkdir(parents=True, exist_ok=True)
    if connection.vendor == "postgresql":
        args, env = _pg_env(connection.settings_dict)
        done = subprocess.run(
            [
                _tool("pg_dump"),
                *args,
                "--format=custom",
                "--no-owner",
                "-f",
                str(target),
                connection.settings_dict["NAME"],
            ],
            env=env,
            capture_output=True,
            text=True,
        )
        if done.returncode:
            raise BackupError(done.stderr.strip() or "pg_dump failed")
        return target
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        destination = sqlite3.connect(target)
        try:
            connection.connection.backup(destination)
        finally:
            destination.close()
        return target
    raise BackupError(f"backups of {connection.vendor} are not supported")


def backup_restore(*, source: Path, alias: str = "default") -> None:
    connection = connections[alias]
    head = source.read_bytes()[:16]
    if connection.vendor == "postgresql":
        if not head.startswith(PG_MAGIC):
            raise BackupError(f"{source} is not a PostgreSQL backup made by `parkos backup`.")
        connection.close()
        args, env = _pg_env(connection.settings_dict)
        done = subprocess.run(
            [
                _tool("pg_restore"),
                *args,
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "-d",
                connection.settings_dict["NAME"],
                str(source),
            ],
            env=env,
            capture_output=True,
            text=True,
        )
        if done.returncode:
            raise BackupError(done.stderr.strip() or "pg_restore failed")
        return
    if connection.vendor == "sqlite":
        if head != SQLITE_MAGIC:
            raise BackupError(f"{source} is not a SQLite backup made by `parkos backup`.")
        connection.ensure_connection()
        origin = sqlite3.connect(source)
        try:
            origin.backup(connection.connection)
        finally:
            origin.close()
        return
    raise BackupError(f"restoring {connection.vendor} is not supported")
