"""The embedded SQLite backend of the side store (the default): one file, WAL, foreign keys on."""
from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path
from typing import Iterator

from budgetqa.core.errors import StoreError


class SqliteBackend:
    """Opens the store file and speaks SQLite's dialect; the connection is a plain `sqlite3.Connection`."""

    name = "sqlite"
    begin = "BEGIN IMMEDIATE"  # take the write lock at once: a writer never fails half-way on a busy store

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self.raw = str(path)
        self.location = str(path)

    def connect(self) -> sqlite3.Connection:
        if self.raw != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.raw, check_same_thread=False, isolation_level=None)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA busy_timeout = 10000")
        return conn

    def run_script(self, conn: sqlite3.Connection, sql: str) -> None:
        for statement in statements(sql):
            conn.execute(statement)

    @contextlib.contextmanager
    def migration_lock(self, conn: sqlite3.Connection) -> Iterator[None]:
        yield  # each migration runs in a BEGIN IMMEDIATE transaction: SQLite's own write lock

    def integrity_problems(self, conn: sqlite3.Connection) -> list[str]:
        """SQLite's `integrity_check` lines other than 'ok' (the file itself is damaged)."""
        rows = [r[0] for r in conn.execute("PRAGMA integrity_check")]
        return [] if rows == ["ok"] else rows

    def open_error(self, exc: Exception) -> StoreError | None:
        if isinstance(exc, sqlite3.DatabaseError):
            return StoreError(f"{self.location}: not a budgetqa store ({exc}); point --store at another folder")
        return None


def statements(sql: str) -> list[str]:
    """The statements of a migration script (a trigger body's ';' does not end its CREATE TRIGGER)."""
    out, buf = [], ""
    for piece in sql.split(";"):
        buf += piece + ";"
        if sqlite3.complete_statement(buf):
            if buf.strip(" \n;"):
                out.append(buf)
            buf = ""
    return out
