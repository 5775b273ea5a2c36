"""Ranking the candidate units of a quoted answer (sentences, table rows, headings): BM25 over the candidates
themselves, then the optional cross-encoder.

Each candidate is a bag of tokens of the retrieval tokenizer (budgetqa.retrieval.lexical: jieba with the budget
vocabulary as user words, sub-words of long words kept): the tokens of its text, of the headings above it (as
the retrieval index holds a chunk with its section), and marker tokens for what the asked kind of answer says
(`CUE`: a reason for a why-question, a use for a purpose-question ...; `DIRECTION`: the asked direction of a
change; `FIGURE`: a number for a figure question). The query is the question's content words plus the markers
it asks for, so every weight is the BM25 weight of a token among the candidates (a cue present in every
sentence weighs nothing) and no per-phrase constant is set by hand.

`coverage` is the share of the question's content (IDF-weighted, Lucene IDF over the candidates) a candidate
holds; answering abstains below a minimum share. When `Settings.reranker_model` names a cross-encoder, the best
`Settings.sentence_rerank_k` candidates are reordered by it (question, candidate text).
"""
from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol, Sequence

import numpy as np

from budgetqa.answering.terms import norm, tokenize
from budgetqa.core.settings import Settings
from budgetqa.retrieval.lexical import BM25_B, BM25_K1

log = logging.getLogger(__name__)

CUE = "\u27e8cue\u27e9"  # the candidate says what the asked kind of answer says (a reason, a use, a duty ...)
DIRECTION = "\u27e8direction\u27e9"  # the candidate states a change of the asked direction
FIGURE = "\u27e8figure\u27e9"  # the candidate holds a number (asked by figure questions)


class Reranker(Protocol):
    def scores(self, query: str, texts: list[str]) -> list[float]: ...


@lru_cache(maxsize=50_000)
def tokens_of(text: str) -> tuple[str, ...]:
    """The retrieval tokenizer's tokens of a text (cached: the same sentences are scored for many questions)."""
    return tuple(tokenize(text)) if text else ()


def held_tokens(text: str, words: Sequence[str]) -> set[str]:
    """The tokens of a text and the question's words found in it: segmentation differs with the neighbours
    ('下设3个股室' cuts as 个股/室), a word present in the text is held all the same."""
    flat = norm(text).lower()  # without quotes and spaces ('“三公”经费', '2024 年')
    return set(tokens_of(text)) | {w for w in words if w and w.lower() in flat}


@dataclass
class Candidate:
    """One candidate: its own tokens (the quoted text), the tokens of the headings above it, marker tokens."""

    own: Sequence[str]
    context: Sequence[str] = ()
    markers: Sequence[str] = ()

    @property
    def bag(self) -> list[str]:
        return [*self.own, *self.context, *self.markers]


class CandidateIndex:
    """BM25 (bm25s, the retrieval index's k1 and b) and Lucene IDF over the candidates of one question."""

    def __init__(self, candidates: list[Candidate]):
        import bm25s  # noqa: F401 - imported here so its logger exists before it is quieted

        logging.getLogger("bm25s").setLevel(logging.WARNING)  # bm25s sets DEBUG on import
        self.candidates = candidates
        self.n = len(candidates)
        self._df: dict[str, int] = {}
        for c in candidates:
            for t in set(c.bag):
                self._df[t] = self._df.get(t, 0) + 1
        self._bm25 = None  # built on the first `scores`

    def _index(self):
        if self._bm25 is None and self.candidates:
            import bm25s

            self._bm25 = bm25s.BM25(k1=BM25_K1, b=BM25_B)
            self._bm25.index([c.bag or [""] for c in self.candidates], show_progress=False)
        return self._bm25

    def idf(self, token: str) -> float:
        """Lucene's BM25 IDF of a token among the candidates (a token no candidate holds is the rarest)."""
        df = self._df.get(token, 0)
        return math.log(1 + (self.n - df + 0.5) / (df + 0.5))

    def scores(self, query: Sequence[str]) -> np.ndarray:
        """BM25 score of every candidate for the query tokens (a repeated token counts again)."""
        bm25 = self._index()
        if bm25 is None:
            return np.zeros(0)
        known = [t for t in query if t in bm25.vocab_dict]
        if not known:
            return np.zeros(self.n)
        return np.asarray(bm25.get_scores(known), dtype=float)

    def coverage(self, query: Sequence[str], held: set[str]) -> float:
        """The IDF-weighted share of the query's tokens in `held` (a candidate's own and context tokens)."""
        weights = {t: self.idf(t) for t in query}
        total = sum(weights.values())
        return sum(w for t, w in weights.items() if t in held) / total if total else 0.0


def rerank(question: str, texts: list[str], order: list[int], settings: Settings | None,
           reranker: Reranker | None = None) -> list[int]:
    """`order` (candidate indexes, best first) with its head reordered by the cross-encoder when one is
    configured (`settings.reranker_model`, or `reranker` given); unchanged otherwise."""
    model = settings.reranker_model if settings is not None else None
    if reranker is None and not model:
        return order
    k = settings.sentence_rerank_k if settings is not None else Settings().sentence_rerank_k
    head, tail = order[:k], order[k:]
    if len(head) < 2:
        return order
    if reranker is None:
        from budgetqa.retrieval.rerank import get_reranker

        reranker = get_reranker(model)
    scores = reranker.scores(question, [texts[i] for i in head])
    ranked = sorted(range(len(head)), key=lambda j: (-scores[j], j))
    return [head[j] for j in ranked] + tail
