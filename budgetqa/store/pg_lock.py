"""The writer lock of a PostgreSQL store: a session advisory lock on a connection of its own.

Held by whichever process, on whichever machine, writes the store (ingest, check --repair); released when
the lock's connection closes, so a killed writer never leaves it behind (the server drops its session).
"""
from __future__ import annotations

import contextlib
import logging
import time
from typing import Callable, Iterator

from budgetqa.core.errors import StoreError
from budgetqa.store.pg_connection import PgConnection
from budgetqa.store.postgres_backend import LOCK_NAMESPACE, WRITER_KEY, connect, redact

log = logging.getLogger(__name__)

_POLL_S = 0.2
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
        deadline = time.monotonic() + wait_s
        told = False
        while not conn.execute("SELECT pg_try_advisory_lock(CAST(? AS integer), CAST(? AS integer))", (LOCK_NAMESPACE, WRITER_KEY)).fetchone()[0]:
            if time.monotonic() >= deadline:
                raise StoreError(f"{redact(url)}: 另一个导入或维护操作正在写入该资料库{_holder(conn)}，"
                                 f"已等待 {wait_s:g} 秒，本次未执行（稍后重试，或调大 BUDGETQA_INGEST_LOCK_WAIT_S）")
            if not told:
                told = True
                message = f"另一个导入正在写入该资料库{_holder(conn)}，等待其完成……"
                log.info(message)
                if on_wait:
                    on_wait(message)
            time.sleep(_POLL_S)
        try:
            yield
        finally:
            conn.execute("SELECT pg_advisory_unlock(CAST(? AS integer), CAST(? AS integer))", (LOCK_NAMESPACE, WRITER_KEY))
    finally:
        conn.close()
