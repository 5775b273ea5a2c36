"""Numbered schema migrations (`budgetqa/store/migrations/NNN_name.sql`), one list for every backend.

A migration whose SQL the backends cannot share has a per-dialect file beside it with the same number and
name (`003_embedding_queue.postgres.sql`); it replaces the shared file on that dialect only. Both record the
shared file name in one `_migrations` table, so a store's schema version means the same on every backend.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib import resources

from budgetqa.core.errors import StoreError

log = logging.getLogger(__name__)

_SUFFIX = ".sql"


@dataclass(frozen=True)
class Migration:
    number: int
    name: str  # the shared file name, recorded in _migrations on every backend
    sql: str


def _files() -> dict[str, str]:
    folder = resources.files("budgetqa.store").joinpath("migrations")
    return {e.name: e.read_text(encoding="utf-8") for e in folder.iterdir() if e.name.endswith(_SUFFIX)}


def _dialect_of(name: str) -> str | None:
    """'postgres' for '003_x.postgres.sql', None for the shared '003_x.sql'."""
    parts = name[: -len(_SUFFIX)].split(".")
    return parts[1] if len(parts) == 2 else None


def migrations(dialect: str = "sqlite") -> list[Migration]:
    """The migrations to apply on `dialect`, in order (a per-dialect file replaces its shared file)."""
    files = _files()
    out = []
    for name, sql in files.items():
        if _dialect_of(name) is not None:
            continue
        special = f"{name[: -len(_SUFFIX)]}.{dialect}{_SUFFIX}"
        out.append(Migration(int(name.split("_", 1)[0]), name, files.get(special, sql)))
    orphans = [n for n in files if _dialect_of(n) and f"{n.split('.', 1)[0]}{_SUFFIX}" not in files]
    if orphans:
        raise StoreError(f"migrations {orphans}: a per-dialect migration needs its shared file of the same name")
    return sorted(out, key=lambda m: m.number)


def latest_schema_version() -> int:
    """The schema version this code writes (the number of its last migration)."""
    return max(m.number for m in migrations())


def apply_migrations(store) -> None:
    """Bring `store` (a SideStore) up to the latest schema; refuse a store written by a newer budgetqa."""
    backend, conn = store.backend, store.conn
    with backend.migration_lock(conn):
        conn.execute("CREATE TABLE IF NOT EXISTS _migrations (number INTEGER PRIMARY KEY, name TEXT, applied_at TEXT)")
        done = {r[0] for r in conn.execute("SELECT number FROM _migrations").fetchall()}
        latest = latest_schema_version()
        if done and max(done) > latest:
            raise StoreError(f"{store.location}: written by a newer budgetqa (schema {max(done)}, this version knows "
                             f"{latest}); upgrade budgetqa to open it")
        for m in migrations(backend.name):
            if m.number in done:
                continue
            log.info("applying migration %s (%s)", m.name, backend.name)
            with store.transaction():
                backend.run_script(conn, m.sql)
                conn.execute("INSERT INTO _migrations VALUES (?, ?, ?)", (m.number, m.name, _now()))


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
