"""Choosing the facts that answer a question: scoring by item, subject code, label text, column, period,
document kind and unit. Pure functions over `Fact` records; no store access here."""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from decimal import Decimal

from answering.question import ParsedQuestion
from budgetqa.records import Fact

log = logging.getLogger(__name__)

_GENERIC_ROWS = re.compile(r"^(?:合计|总计|小计|资产总额|本年合计|共计|总额)$")
_GENERIC_COLS = ("", "合计", "金额", "预算数", "决算数", "本年预算数", "本年预算", "本年决算数", "数值", "值", "小计",
                 "总计", "预算", "决算", "全年预算数", "年初预算数", "一般公共预算财政拨款", "本年收入", "本年支出")
_COUNT_COL = re.compile(r"数量|件数|人数|辆数|台数|个数|面积")
_PUNCT = re.compile(r"[\s、，,。；;：:（）()“”\"'‘’《》\-—－/]|[（(](?:类|款|项)[)）]")
_TAIL_WORDS = re.compile(r"(?:预算数|预算|决算数|决算|安排|支出数)$")
MIN_LABEL_SIM = 0.55  # a fact without a matching item must resemble the question at least this much


def norm(text: str) -> str:
    try:
        from ingest.vocabulary import normalize_label

        text = normalize_label(text)
    except Exception:  # pragma: no cover
        pass
    return _PUNCT.sub("", text or "")


def _bigram_cover(a: str, b: str) -> int:
    """Characters of `a` covered by bigrams that also occur in `b`."""
    if len(a) < 2 or len(b) < 2:
        return len(a) if a and a == b else 0
    grams = {b[i:i + 2] for i in range(len(b) - 1)}
    covered = [False] * len(a)
    for i in range(len(a) - 1):
        if a[i:i + 2] in grams:
            covered[i] = covered[i + 1] = True
    return sum(covered)


def similarity(topic: str, label: str) -> float:
    """How well a printed label answers the question's topic, 0..1 (label coverage weighs most)."""
    t, lab = norm(topic), norm(label)
    t2 = _TAIL_WORDS.sub("", t) or t
    if not t or not lab:
        return 0.0
    if lab in (t, t2):
        return 1.0
    cov_l = _bigram_cover(lab, t) / len(lab)
    cov_t = _bigram_cover(t2, lab) / len(t2)
    return 0.6 * cov_l + 0.4 * cov_t


@dataclass
class Scored:
    fact: Fact
    score: float
    sim: float
    item_hits: int
    reasons: list[str] = field(default_factory=list)


def _vocab():
    try:
        from ingest.vocabulary import get_vocabulary

        return get_vocabulary()
    except Exception:  # pragma: no cover
        return None


def column_item(fact: Fact) -> str | None:
    voc = _vocab()
    col = (fact.column_label or "").strip()
    if not col or voc is None:
        return None
    it = voc.match(col)
    return it.name if it else None


def score_fact(fact: Fact, pq: ParsedQuestion, items: list[str] | None = None, kind: str | None = None,
               period: str | None = None) -> Scored | None:
    """Score one fact for the question (None = cannot answer it). `items` overrides the question's items."""
    items = pq.items if items is None else items
    want_period = period or pq.period
    reasons: list[str] = []
    if fact.period in ("change", "change_pct") and want_period not in ("change", "change_pct"):
        return None
    if want_period in ("change", "change_pct") and fact.period != want_period:
        return None
    col_item = column_item(fact)
    hits = sum(1 for it in items if it == fact.item or it == col_item)
    code_hit = bool(pq.codes) and fact.code is not None and fact.code in pq.codes
    code_miss = bool(pq.codes) and fact.code is not None and fact.code not in pq.codes
    label = fact.row_label
    sim = similarity(pq.topic or "".join(items), label)
    if _GENERIC_ROWS.match(norm(label)):
        sim = max(sim * 0.5, 0.9 * similarity(pq.topic or "".join(items), f"{fact.statement}{label}"))
    if fact.column_label and norm(fact.column_label) not in _GENERIC_COLS:
        sim = max(sim, 0.95 * similarity(pq.topic, f"{label}{fact.column_label}"))
    if items:
        if not hits and not code_hit and sim < 0.8:
            return None
    elif sim < MIN_LABEL_SIM:
        return None
    score = 3.0 * hits + 2.0 * sim
    if code_hit:
        score += 4.0
        reasons.append("code")
    elif code_miss:
        score -= 3.0
    # the column: a named column must be asked for; otherwise prefer totals
    col = norm(fact.column_label or "")
    if col and col not in _GENERIC_COLS and not col.startswith("价值"):
        if col_item and col_item in items and col_item != fact.item:
            score += 0.5
        elif _COUNT_COL.search(col) and pq.count_unit:
            score += 2.0
        elif col not in norm(pq.text):
            score -= 1.5
    # period
    if want_period == "previous":
        score += 1.5 if fact.period == "previous" else -0.5
    elif fact.period == "previous":
        score -= 2.0
    # counts vs money
    is_count = fact.unit not in ("元", "万元", "亿元", "%") and (
        bool(_COUNT_COL.search(fact.column_label or "")) or fact.unit == pq.count_unit)
    if pq.count_unit:
        score += 2.5 if is_count or fact.unit == pq.count_unit else -3.0
    elif is_count:
        score -= 2.0
    if fact.unit == "%" and not re.search(r"%|％|率|比例|比重|百分|满意度|占", pq.text):
        score -= 1.5
    if pq.unit and fact.unit == pq.unit:
        score += 0.3
    # document kind
    if kind:
        hint = pq.kind_hint
        if hint and hint in kind:
            score += 0.8
        elif hint and hint not in kind:
            score -= 0.8
        elif "部门" in kind:
            score += 0.3
    if fact.table_index is not None:
        score += 0.05  # a table cell is the primary record; narrative corroborates
    return Scored(fact, score, sim, hits, reasons)


def rank(facts: list[Fact], pq: ParsedQuestion, kinds: dict[str, str | None], items: list[str] | None = None,
         period: str | None = None) -> list[Scored]:
    """Facts able to answer, best first; ties go to the earlier page/table (summary tables come first)."""
    scored = []
    for f in facts:
        s = score_fact(f, pq, items=items, kind=kinds.get(f.doc_id), period=period)
        if s is not None:
            scored.append(s)
    scored.sort(key=lambda s: (-round(s.score, 6), s.fact.page or 0, s.fact.table_index if s.fact.table_index is not None else 999,
                               s.fact.row_index or 0, s.fact.fact_id or 0))
    return scored


def same_value(a: Fact, b: Fact) -> bool:
    if a.value_yuan is not None and b.value_yuan is not None:
        return a.value_yuan == b.value_yuan
    return a.value == b.value and a.unit == b.unit


def corroborating(best: Scored, others: list[Scored], limit: int = 2) -> list[Fact]:
    """Other sources printing the same figure for the same label (another table or the narrative)."""
    out: list[Fact] = []
    seen = {(best.fact.doc_id, best.fact.page, best.fact.table_index, best.fact.quote)}
    for s in others:
        if s is best or not same_value(s.fact, best.fact) or s.score < best.score - 3.0:
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
        if s.fact.doc_id == best.fact.doc_id and not same_value(s.fact, best.fact) and s.score >= best.score - 0.3 \
                and s.fact.unit == best.fact.unit and norm(s.fact.row_label) == norm(best.fact.row_label):
            out.append(s.fact)
    return out
