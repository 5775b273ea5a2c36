"""The writer lock of a PostgreSQL store: a session advisory lock on a connection of its own.

Held by whichever process, on whichever machine, writes the store (ingest, check --repair); released when
the lock's connection closes, so a killed writer never leaves it behind (the server drops its session).
"""
from __future__ import annotations

import contextlib
import logging
from typing import Callable, Iterator

from budgetqa.store.lock_wait import wait_for_lock
from budgetqa.store.pg_connection import PgConnection
from budgetqa.store.postgres_backend import LOCK_NAMESPACE, WRITER_KEY, connect, redact

log = logging.getLogger(__name__)

_HOLDER_SQL = """SELECT a.application_name, a.client_addr FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
                 WHERE l.locktype = 'advisory' AND l.granted AND l.classid = CAST(? AS oid) AND l.objid = CAST(? AS oid)
                 AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"""


def _holder(conn: PgConnection) -> str:
    try:
        row = conn.execute(_HOLDER_SQL, (LOCK_NAMESPACE, WRITER_KEY)).fetchone()
    except Exception:  # noqa: BLE001 - only a hint for the message
        return ""
    if row is None:
        return ""
    where = f"，{row[1]}" if row[1] else ""
    return f"（{row[0]}{where}）"


@contextlib.contextmanager
def pg_writer_lock(url: str, wait_s: float, on_wait: Callable[[str], None] | None = None,
                   connect_timeout_s: int = 10) -> Iterator[None]:
    """Hold the store's writer lock; wait up to `wait_s` seconds (telling `on_wait` once) or raise StoreError."""
    conn = PgConnection(connect(url, connect_timeout_s))
    try:
        key = (LOCK_NAMESPACE, WRITER_KEY)
        wait_for_lock(lambda: conn.execute("SELECT pg_try_advisory_lock(CAST(? AS integer), CAST(? AS integer))",
                                           key).fetchone()[0],
                      redact(url), lambda: _holder(conn), wait_s, on_wait)
        try:
            yield
        finally:
            conn.execute("SELECT pg_advisory_unlock(CAST(? AS integer), CAST(? AS integer))", (LOCK_NAMESPACE, WRITER_KEY))
    finally:
        conn.close()
