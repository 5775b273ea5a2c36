"""The features of a (question, candidate fact) pair that rank the candidates, and the gates a candidate must
pass first. `candidate(fact, pq, ...) -> Candidate | None`: None when a hard constraint fails (measure, kind,
qualifier, period, subject code) or the label matches too little; otherwise the named feature vector that
`answering.select` scores with the fitted weights (`budgetqa/core/data/ranking_weights.yaml`)."""
from __future__ import annotations

import re
from dataclasses import astuple, dataclass, fields

from budgetqa.answering.constraints import (kind_allowed, measure_allowed, period_allowed, position_allowed,
                                            qualifier_allowed)
from budgetqa.answering.labels import (COUNT_COL, GENERIC_ROWS, clean_row, code_matches, column_item, generic_column,
                                       in_change_clause, norm, shares_noun, similarity)
from budgetqa.answering.question import ParsedQuestion
from budgetqa.core.phrases import get_phrases
from budgetqa.core.records import Fact
from budgetqa.core.units import is_money_unit

MIN_LABEL_SIM = 0.55  # a fact without a matching item must resemble the question at least this much
MIN_ITEM_SIM = 0.8  # with items asked, a fact matching none must resemble the question at least this much
_PERCENT_ASK = re.compile(get_phrases().alternation("percent_ask"))
_CHANGES = ("change", "change_pct")


@dataclass(frozen=True)
class Features:
    """One candidate's features; every field is a number, 0/1 for the yes/no ones."""
    item_hits: float  # asked items named by the row and (a named sub-item) the column: 0, 1 or 2
    label_sim: float  # how well the printed labels cover the question's topic, 0..1
    change_clause: float  # a narrative figure inside a clause about a change, the question not asking one
    code_hit: float  # the row of a subject code the question gives
    code_miss: float  # a code was given and this sentence does not name it
    column_asked: float  # a named (non-total) column that is an asked item
    count_column: float  # a count column ('数量', '面积') for a count question
    column_unasked: float  # a named column the question does not mention
    previous_match: float  # the question asks for the previous year / year end and the fact is one
    previous_miss: float  # the question asks for the previous year and the fact is this year's
    previous_unasked: float  # a previous-year figure, the question not asking one
    count_match: float  # a count question and a count fact
    count_mismatch: float  # a count question and a fact that is no count
    count_unasked: float  # a count fact, the question asking no count
    percent_unasked: float  # a percentage, the question asking no share or rate
    unit_match: float  # the money unit the question names is the fact's own
    kind_hint_match: float  # the document kind the question names ('部门预算') is the document's
    kind_hint_mismatch: float  # the question names another document kind
    department_doc: float  # no kind named and the document is a department's (not a unit's)
    blank: float  # a blank cell of a printed data row

    def vector(self) -> tuple[float, ...]:
        return tuple(float(v) for v in astuple(self))


FEATURE_NAMES: tuple[str, ...] = tuple(f.name for f in fields(Features))


@dataclass
class Candidate:
    fact: Fact
    features: Features
    sim: float
    item_hits: int


def _is_count(fact: Fact, pq: ParsedQuestion) -> bool:
    return not is_money_unit(fact.unit) and fact.unit != "%" and (
        bool(COUNT_COL.search(fact.column_label or "")) or fact.unit == pq.count_unit)


def candidate(fact: Fact, pq: ParsedQuestion, items: list[str] | None = None, kind: str | None = None,
              period: str | None = None) -> Candidate | None:
    """The fact as a candidate answer (None = it cannot answer). `items` overrides the question's items."""
    overridden = items is not None and list(items) != list(pq.items)
    topic = "".join(items) if overridden else pq.topic
    items = pq.items if items is None else items
    topic = topic or pq.topic or "".join(items)
    want = period or pq.period
    if not kind_allowed(kind, pq) or not qualifier_allowed(fact, kind, pq) or not measure_allowed(fact, pq, kind) \
            or not position_allowed(fact, pq):
        return None
    if not period_allowed(fact, want):
        return None
    col_item = column_item(fact)
    row_hit = any(it == fact.item for it in items)
    col_hit = col_item is not None and col_item != fact.item and col_item in items
    if col_hit and not row_hit and not GENERIC_ROWS.match(norm(fact.row_label)) \
            and norm(clean_row(fact.row_label)) not in norm(pq.text):
        col_hit = False  # '卫生健康支出 / 基本支出' does not answer '基本支出'
    hits = int(row_hit) + int(col_hit)
    code_hit = bool(pq.codes) and code_matches(fact, pq.codes)
    code_miss = bool(pq.codes) and not code_hit
    if code_miss and (fact.code is not None or not items):
        return None  # a subject code given is the identifier: only its own row answers
    sim = _label_sim(fact, pq, topic)
    if not code_hit and ((items and not hits and sim < MIN_ITEM_SIM) or (not items and sim < MIN_LABEL_SIM)):
        return None
    named_col = not generic_column(fact.column_label)
    col_asked = named_col and bool(col_item and col_item in items and col_item != fact.item)
    count_col = named_col and not col_asked and bool(COUNT_COL.search(norm(fact.column_label or ""))) \
        and bool(pq.count_unit)
    col_unasked = named_col and not col_asked and not count_col and norm(fact.column_label or "") not in norm(pq.text)
    is_count = _is_count(fact, pq)
    hint = pq.kind_hint
    feats = Features(
        item_hits=hits, label_sim=sim,
        change_clause=want not in _CHANGES and in_change_clause(fact),
        code_hit=code_hit, code_miss=code_miss,
        column_asked=col_asked, count_column=count_col, column_unasked=col_unasked,
        previous_match=want == "previous" and fact.period == "previous",
        previous_miss=want == "previous" and fact.period != "previous",
        previous_unasked=want != "previous" and fact.period == "previous",
        count_match=bool(pq.count_unit) and (is_count or fact.unit == pq.count_unit),
        count_mismatch=bool(pq.count_unit) and not (is_count or fact.unit == pq.count_unit),
        count_unasked=not pq.count_unit and is_count,
        percent_unasked=fact.unit == "%" and not _PERCENT_ASK.search(pq.text),
        unit_match=bool(pq.unit) and fact.unit == pq.unit,
        kind_hint_match=bool(kind and hint and hint in kind),
        kind_hint_mismatch=bool(kind and hint and hint not in kind),
        department_doc=bool(kind and not hint and "部门" in kind),
        blank=fact.blank,
    )
    return Candidate(fact, Features(*(float(v) for v in astuple(feats))), sim, hits)


def _label_sim(fact: Fact, pq: ParsedQuestion, topic: str) -> float:
    label = fact.row_label
    sim = similarity(topic, label)
    if GENERIC_ROWS.match(norm(label)):
        sim = max(sim * 0.5, 0.9 * similarity(topic, f"{fact.statement}{label}"))
    if not generic_column(fact.column_label):
        sim = max(sim, 0.95 * similarity(topic, f"{label}{fact.column_label}"))
    if pq.count_unit and fact.unit == pq.count_unit and shares_noun(pq.topic, label, pq.count_unit):
        sim = max(sim, 0.6)  # '几辆车' -> '车辆（台、辆）'
    return sim
