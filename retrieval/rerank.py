"""Optional cross-encoder reranking of retrieved passages (settings.reranker_model), loaded offline."""
from __future__ import annotations

import logging
import threading
from functools import lru_cache

from budgetqa.retrieval.embeddings import load_local

log = logging.getLogger(__name__)


class CrossEncoderReranker:
    """Scores (query, passage text) pairs with a sentence-transformers CrossEncoder."""

    def __init__(self, model: str, batch_size: int = 16):
        self.name = model
        self._model = load_local("CrossEncoder", model)
        self.batch_size = batch_size
        self._lock = threading.Lock()

    def scores(self, query: str, texts: list[str]) -> list[float]:
        if not texts:
            return []
        with self._lock:
            out = self._model.predict(
                [(query, t) for t in texts], batch_size=self.batch_size, show_progress_bar=False
            )
        return [float(x) for x in out]


@lru_cache(maxsize=2)
def get_reranker(model: str) -> CrossEncoderReranker:
    log.info("loading reranker %s", model)
    return CrossEncoderReranker(model)
