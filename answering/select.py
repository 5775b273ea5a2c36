"""Choosing the facts that answer a question: candidates that pass the hard constraints (answering.constraints,
answering.features) ranked by the fitted linear score of their features (core.ranking_weights). Pure functions
over `Fact` records; no store access here."""
from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from decimal import Decimal

from budgetqa.answering.features import FEATURE_NAMES, Candidate, candidate
from budgetqa.answering.labels import norm
from budgetqa.answering.question import ParsedQuestion

from budgetqa.core.errors import ConfigError
from budgetqa.core.ranking_weights import RankingWeights, get_ranking_weights
from budgetqa.core.records import Fact
from budgetqa.core.units import is_money_unit

log = logging.getLogger(__name__)

# While set (by `budgetqa refit`), every `rank` call appends (question, items, period, candidates) here.
RECORDER: ContextVar[list | None] = ContextVar("rank_recorder", default=None)
# While set, these weights replace the packaged ones (a refit comparing weight sets, tests).
OVERRIDE: ContextVar[RankingWeights | None] = ContextVar("rank_weights", default=None)


@dataclass
class Scored:
    fact: Fact
    score: float
    sim: float
    item_hits: int
    reasons: list[str] = field(default_factory=list)


def weights() -> RankingWeights:
    rw = OVERRIDE.get() or get_ranking_weights()
    unknown = set(rw.weights) - set(FEATURE_NAMES)
    if unknown:
        raise ConfigError(f"ranking_weights.yaml: unknown features {sorted(unknown)} (known: {', '.join(FEATURE_NAMES)})")
    return rw


@contextmanager
def using_weights(rw: RankingWeights) -> Iterator[None]:
    """Rank with `rw` instead of the packaged weights inside the block."""
    token = OVERRIDE.set(rw)
    try:
        yield
    finally:
        OVERRIDE.reset(token)


def score_fact(fact: Fact, pq: ParsedQuestion, items: list[str] | None = None, kind: str | None = None,
               period: str | None = None) -> Scored | None:
    """Score one fact for the question (None = cannot answer it). `items` overrides the question's items."""
    c = candidate(fact, pq, items=items, kind=kind, period=period)
    return None if c is None else _scored(c, weights())


def _scored(c: Candidate, rw: RankingWeights) -> Scored:
    return Scored(c.fact, rw.score(FEATURE_NAMES, c.features.vector()), c.sim, c.item_hits,
                  ["code"] if c.features.code_hit else [])


def rank(facts: list[Fact], pq: ParsedQuestion, kinds: dict[str, str | None], items: list[str] | None = None,
         period: str | None = None) -> list[Scored]:
    """Facts able to answer, best first; ties go to table cells, then the earlier page/table (summary tables come first)."""
    rw = weights()
    cands: list[Candidate] = []
    for f in facts:
        if pq.count_unit and is_money_unit(f.unit):
            continue  # '多少人次/辆/件' is never answered with money ('因公出国多少人次' is not 0.00万元)
        if f.blank and pq.intent != "lookup":
            continue  # a blank cell answers 'how much' (nothing); it is no operand of a computation
        c = candidate(f, pq, items=items, kind=kinds.get(f.doc_id), period=period)
        if c is not None:
            cands.append(c)
    recorder = RECORDER.get()
    if recorder is not None:
        recorder.append((pq, items, period, cands))
    scored = [_scored(c, rw) for c in cands]
    scored.sort(key=tie_break)
    return scored


def tie_break(s: Scored) -> tuple:
    """Best score first; among equals a table cell (the primary record; narrative corroborates), then the
    earlier page, table and row."""
    f = s.fact
    return (-round(s.score, 6), f.table_index is None, f.page or 0, f.table_index if f.table_index is not None else 999, f.row_index or 0,
            f.fact_id or 0)


def _half_ulp_yuan(f: Fact) -> Decimal:
    """Half a unit of the last printed digit, in 元 ('37,151.47' 万元 -> 50 元)."""
    exp = f.value.as_tuple().exponent
    scale = (f.value_yuan / f.value) if f.value else Decimal(1)
    return Decimal(1).scaleb(exp if isinstance(exp, int) else 0) * abs(scale) / 2


def same_value(a: Fact, b: Fact) -> bool:
    """Equal figures, allowing for one of them being printed rounded in a larger unit."""
    if a.value_yuan is not None and b.value_yuan is not None:
        if a.value_yuan == b.value_yuan:
            return True
        tol = max(_half_ulp_yuan(a), _half_ulp_yuan(b))
        return abs(a.value_yuan - b.value_yuan) <= tol
    return a.value == b.value and a.unit == b.unit


def promote_table(ranked: list[Scored]) -> list[Scored]:
    """A narrative figure stated also in a table cell (same item, same value): the cell leads, the
    sentence corroborates."""
    if not ranked or ranked[0].fact.table_index is not None:
        return ranked
    best = ranked[0]
    for s in ranked[1:6]:
        f = s.fact
        if f.table_index is not None and not f.blank and f.doc_id == best.fact.doc_id and s.item_hits >= best.item_hits \
                and best.item_hits and f.item == best.fact.item and f.period == best.fact.period \
                and same_value(f, best.fact) and s.score >= best.score - weights().margins.promote:
            return [s] + [r for r in ranked if r is not s]
    return ranked


def corroborating(best: Scored, others: list[Scored], limit: int = 2) -> list[Fact]:
    """Other sources printing the same figure for the same label (another table or the narrative)."""
    out: list[Fact] = []
    seen = {(best.fact.doc_id, best.fact.page, best.fact.table_index, best.fact.quote)}
    for s in others:
        if s is best or not same_value(s.fact, best.fact) or s.score < best.score - weights().margins.corroborate:
            continue
        key = (s.fact.doc_id, s.fact.page, s.fact.table_index, s.fact.quote)
        if key in seen or s.fact.doc_id != best.fact.doc_id:
            continue
        seen.add(key)
        out.append(s.fact)
        if len(out) >= limit:
            break
    return out


def conflicting(best: Scored, others: list[Scored]) -> list[Fact]:
    """Close candidates with another value for the same label: shown so the reader can judge."""
    out = []
    for s in others[1:4]:
        if s.fact.doc_id == best.fact.doc_id and not same_value(s.fact, best.fact) \
                and s.score >= best.score - weights().margins.conflict \
                and s.fact.unit == best.fact.unit and norm(s.fact.row_label) == norm(best.fact.row_label):
            out.append(s.fact)
    return out
