"""The retriever: BM25 and dense candidates, reciprocal-rank fusion, optional cross-encoder reranking.

`doc_ids` scopes both retrievers (allowed chunk ids for BM25, a metadata filter in Chroma) and the
result is filtered once more on the chunks' own doc_id, so a scoped question never returns passages
of another document.
"""
from __future__ import annotations

import logging
import threading
from typing import Sequence

from budgetqa.core.errors import ConfigError
from budgetqa.core.records import Passage
from budgetqa.core.settings import Settings
from budgetqa.retrieval.lexical import LexicalIndex, Tokenizer, store_fingerprint
from budgetqa.retrieval.normalize import expand_query, normalize_text
from budgetqa.retrieval.vector_store import VectorStore

log = logging.getLogger(__name__)

METHODS = ("hybrid", "bm25", "dense")


def rrf_fuse(
    ranked_lists: Sequence[Sequence[str]], k: int = 60, weights: Sequence[float] | None = None
) -> list[tuple[str, float]]:
    """Reciprocal-rank fusion: score(id) = sum over lists of weight / (k + rank), rank starting at 1.

    Ties are broken by the best single-list rank, then by id, so the order is deterministic.
    """
    weights = weights or [1.0] * len(ranked_lists)
    scores: dict[str, float] = {}
    best: dict[str, int] = {}
    for ranked, weight in zip(ranked_lists, weights):
        for rank, cid in enumerate(ranked, start=1):
            scores[cid] = scores.get(cid, 0.0) + weight / (k + rank)
            best[cid] = min(best.get(cid, rank), rank)
    return sorted(scores.items(), key=lambda kv: (-kv[1], best[kv[0]], kv[0]))


class Retriever:
    def __init__(
        self,
        settings: Settings,
        side_store,
        vector_store: VectorStore | None,
        lexical_index: LexicalIndex,
        tokenizer: Tokenizer,
        reranker=None,
    ):
        self.settings = settings
        self.side_store = side_store
        self.vector_store = vector_store
        self.lexical = lexical_index
        self.tokenizer = tokenizer
        self._reranker = reranker
        self._docs: tuple[str, dict] | None = None  # (fingerprint, id -> StoredDocument)
        self._lock = threading.Lock()

    # --- public ------------------------------------------------------------------------
    def search(
        self,
        query: str,
        k: int | None = None,
        doc_ids: list[str] | None = None,
        method: str | None = None,
    ) -> list[Passage]:
        """The k best passages for the query (method: hybrid | bm25 | dense; default from settings)."""
        k = k or self.settings.top_k
        method = method or self.settings.retrieval_method
        if method not in METHODS:
            raise ConfigError(f"unknown retrieval method '{method}' (expected one of {', '.join(METHODS)})")
        text = normalize_text(query)
        if not text or (doc_ids is not None and not doc_ids):
            return []
        scope = set(doc_ids) if doc_ids is not None else None
        fingerprint = store_fingerprint(self.side_store)
        ranked = self._candidates(text, method, scope)
        if self.settings.reranker_model:
            ranked = self._rerank(text, ranked[: max(k, self.settings.candidate_k)])
        return self._passages(ranked, k, scope, fingerprint)

    def bm25_candidates(self, text: str, scope: set[str] | None) -> list[tuple[str, float]]:
        self.lexical.ensure_fresh(self.side_store, self.tokenizer)
        tokens = self.tokenizer.tokenize(expand_query(text, known=self.lexical.has_token))
        return self.lexical.search(tokens, self.settings.candidate_k, allowed_docs=scope)

    def dense_candidates(self, text: str, scope: set[str] | None) -> list[tuple[str, float]]:
        if self.vector_store is None:
            return []
        kind = "text" if self.settings.dense_chunks == "text" else None  # table chunks: BM25 and the facts
        return self.vector_store.query(
            text, self.settings.candidate_k, sorted(scope) if scope is not None else None, kind=kind
        )

    # --- internals ---------------------------------------------------------------------
    def _candidates(self, text: str, method: str, scope: set[str] | None) -> list[tuple[str, float]]:
        if method == "bm25":
            return self.bm25_candidates(text, scope)
        if method == "dense":
            if self.vector_store is None:
                raise ConfigError("dense retrieval needs a vector store")
            return self.dense_candidates(text, scope)
        lexical = self.bm25_candidates(text, scope)
        dense = self.dense_candidates(text, scope)
        return rrf_fuse(
            [[c for c, _ in lexical], [c for c, _ in dense]], self.settings.rrf_k,
            [1.0, self.settings.rrf_dense_weight],
        )

    def _rerank(self, text: str, ranked: list[tuple[str, float]]) -> list[tuple[str, float]]:
        if not ranked:
            return ranked
        if self._reranker is None:
            from budgetqa.retrieval.rerank import get_reranker

            self._reranker = get_reranker(self.settings.reranker_model)
        chunks = {c.id: c for c in self.side_store.chunks(ids=[cid for cid, _ in ranked])}
        ids = [cid for cid, _ in ranked if cid in chunks]
        scores = self._reranker.scores(text, [chunks[cid].text for cid in ids])
        return sorted(zip(ids, scores), key=lambda kv: -kv[1])

    def _doc_table(self, fingerprint: str) -> dict:
        with self._lock:
            if self._docs is None or self._docs[0] != fingerprint:
                self._docs = (fingerprint, {d.id: d for d in self.side_store.list_documents()})
            return self._docs[1]

    def _passages(
        self, ranked: list[tuple[str, float]], k: int, scope: set[str] | None, fingerprint: str
    ) -> list[Passage]:
        if not ranked:
            return []
        head = ranked[: k * 2 + 10]  # a little slack for stale ids (vectors of since-deleted documents)
        chunks = {c.id: c for c in self.side_store.chunks(ids=[cid for cid, _ in head])}
        docs = self._doc_table(fingerprint)
        out: list[Passage] = []
        stale = 0
        for cid, score in head:
            chunk = chunks.get(cid)
            doc = docs.get(chunk.doc_id) if chunk else None
            if chunk is None or doc is None:
                stale += 1
                continue
            if scope is not None and chunk.doc_id not in scope:
                continue
            out.append(Passage(chunk=chunk, doc_name=doc.name, org=doc.org, year=doc.year, kind=doc.kind, score=score))
            if len(out) == k:
                break
        if stale:
            log.warning("%d retrieved chunk ids are not in the side store (index out of date?)", stale)
        return out
