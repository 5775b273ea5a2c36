"""Waiting for the store's writer lock, whatever holds it (a file lock, a PostgreSQL advisory lock): try,
tell the caller once that another writer is busy, give up after the configured wait with one clear message."""
from __future__ import annotations

import logging
import time
from typing import Callable

from budgetqa.core.errors import StoreError

log = logging.getLogger(__name__)

POLL_S = 0.2


def wait_for_lock(try_lock: Callable[[], bool], where: str, holder: Callable[[], str], wait_s: float,
                  on_wait: Callable[[str], None] | None = None) -> None:
    """Call `try_lock` until it succeeds; after `wait_s` seconds raise StoreError naming `where` and the
    holder (`holder()`, a hint such as '（pid 123）')."""
    deadline = time.monotonic() + wait_s
    told = False
    while not try_lock():
        if time.monotonic() >= deadline:
            raise StoreError(f"{where}: 另一个导入或维护操作正在写入该资料库{holder()}，"
                             f"已等待 {wait_s:g} 秒，本次未执行（稍后重试，或调大 BUDGETQA_INGEST_LOCK_WAIT_S）")
        if not told:
            told = True
            message = f"另一个导入正在写入该资料库{holder()}，等待其完成……"
            log.info(message)
            if on_wait:
                on_wait(message)
        time.sleep(POLL_S)
