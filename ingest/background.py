"""The app's background embedding worker: drains the embedding queue while the app answers.

One daemon thread per app process with its own Ingestor (its own SQLite connection). It polls the queue,
drains it in batches (each batch committed, so stopping loses at most one batch) and sleeps when it is empty.
Several app processes on one store may each run one: a batch embedded twice is only upserted twice.
"""
from __future__ import annotations

import logging
import threading

from budgetqa.core.settings import Settings

log = logging.getLogger(__name__)


class EmbedWorker:
    def __init__(self, settings: Settings):
        self.settings = settings
        self.stop_event = threading.Event()
        self.thread = threading.Thread(target=self._run, name="budgetqa-embed", daemon=True)

    def start(self) -> "EmbedWorker":
        self.thread.start()
        return self

    def stop(self, timeout: float | None = None) -> None:
        self.stop_event.set()
        self.thread.join(timeout)

    def _run(self) -> None:
        from budgetqa.ingest.pipeline import Ingestor

        ingestor = Ingestor(self.settings)
        while not self.stop_event.is_set():
            try:
                if ingestor.pending():
                    ingestor.embed_pending(stop=self.stop_event)
            except Exception:  # noqa: BLE001 - the worker must outlive one bad batch; it retries next poll
                log.exception("background embedding failed; retrying in %s s", self.settings.embed_worker_poll_s)
            self.stop_event.wait(self.settings.embed_worker_poll_s)
