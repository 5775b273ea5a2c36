"""Advisory file locks in the store folder (fcntl.flock: released by the kernel when a process dies, so a
`kill -9` never leaves a stale lock behind).

- `ingest.lock` (exclusive): one writer at a time — ingest, check --repair, backup and restore take it.
- with BUDGETQA_DATABASE_URL the writer lock is a PostgreSQL advisory lock instead (`budgetqa.store.pg_lock`),
  shared by every machine writing that database; `store_writer_lock(settings)` picks the right one.
- `app.lock` (shared): held by every running app process; restore needs it exclusively, so a restore into
  a store that an app is serving is refused instead of swapping files under the app.
"""
from __future__ import annotations

import contextlib
import fcntl
import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator

from budgetqa.core.errors import StoreError
from budgetqa.store.lock_wait import wait_for_lock

if TYPE_CHECKING:
    from budgetqa.core.settings import Settings

log = logging.getLogger(__name__)

INGEST_LOCK = "ingest.lock"
APP_LOCK = "app.lock"


def _holder(path: Path) -> str:
    try:
        pid = path.read_text(encoding="utf-8").strip()
    except OSError:
        return ""
    return f"（进程 {pid}）" if pid else ""


@contextlib.contextmanager
def writer_lock(store: Path, wait_s: float, on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the store's writer lock; wait up to `wait_s` seconds (telling `on_wait` once) or raise StoreError."""
    path = Path(store) / INGEST_LOCK
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        def try_lock() -> bool:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return True
            except BlockingIOError:
                return False

        wait_for_lock(try_lock, str(store), lambda: _holder(path), wait_s, on_wait)
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def store_writer_lock(settings: "Settings", on_wait: Callable[[str], None] | None = None):
    """The writer lock of the store of `settings`: PostgreSQL advisory lock with a database URL, else the file."""
    if settings.database_url:
        from budgetqa.store.pg_lock import pg_writer_lock

        return pg_writer_lock(settings.database_url, settings.ingest_lock_wait_s, on_wait,
                              settings.pg_connect_timeout_s)
    return writer_lock(settings.store, settings.ingest_lock_wait_s, on_wait)


class AppLock:
    """A shared lock held for the life of an app process (released by the kernel when it exits)."""

    def __init__(self, store: Path):
        path = Path(store) / APP_LOCK
        path.parent.mkdir(parents=True, exist_ok=True)
        self.fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        fcntl.flock(self.fd, fcntl.LOCK_SH)

    def release(self) -> None:
        if self.fd >= 0:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = -1


@contextlib.contextmanager
def no_app_running(store: Path) -> Iterator[None]:
    """Hold the app lock exclusively, or raise StoreError when an app is serving the store."""
    path = Path(store) / APP_LOCK
    if not path.parent.exists():
        yield
        return
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise StoreError(f"{store}: 该资料库正被运行中的问答应用使用，请先停止应用（budgetqa app / streamlit）"
                             "再恢复") from None
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
