"""Hard constraints on a candidate fact: what a figure measures, the kind of document and, in a final account,
the budget column a question names. A fact failing one never answers, whatever its ranking score."""
from __future__ import annotations

import re

from budgetqa.answering.question import ParsedQuestion
from budgetqa.core.measures import accepts, default_measure
from budgetqa.core.records import Fact

RATE_MEASURES = ("执行率",)
SHARE_MEASURES = ("占比",)
_QUALIFIERS = (("年初预算", ("年初预算", "预算数", "预算")), ("调整预算", ("调整预算",)), ("预算数", ("预算",)))


def measure_allowed(fact: Fact, pq: ParsedQuestion, kind: str | None) -> bool:
    """The figure measures what the question asks (core.measures): a 决算数 never answers '预算是多少', a 预算数
    never answers '实际花了多少'; a question naming no measure asks for the document's own (预算数 of a budget,
    决算数 of a final account). Shares and rates answer only questions about shares and rates."""
    m = fact.measure
    if m is None or fact.period in ("change", "change_pct"):
        return True  # changes are matched by period; facts stored before measures existed are not refused
    if m in SHARE_MEASURES:
        return pq.intent == "share"
    if m in RATE_MEASURES:
        return any(a in RATE_MEASURES for a in pq.measures) or pq.intent == "share"
    if pq.intent == "rate" and all(a in RATE_MEASURES for a in pq.measures):
        return False  # a rate question is answered by a printed rate or computed from named operands
    asked = [a for a in pq.measures if a not in RATE_MEASURES]
    if not asked:
        default = default_measure(kind)
        asked = [default] if default else []
    return not asked or any(accepts(a, m) for a in asked)


def kind_allowed(kind: str | None, pq: ParsedQuestion) -> bool:
    """'决算' asked: only final accounts answer (a plan is not an outcome), and the reverse."""
    if not kind or not pq.kind_hint:
        return True
    return ("决算" in pq.kind_hint) == ("决算" in kind)


def qualifier_allowed(fact: Fact, kind: str | None, pq: ParsedQuestion) -> bool:
    """In a final account, '年初预算' asks for the budget column, not the outturn."""
    if not kind or "决算" not in kind:
        return True
    text = f"{fact.column_label} {fact.row_label}" + (f" {fact.quote}" if fact.table_index is None else "")
    for asked, accepted in _QUALIFIERS:
        if asked in pq.text:
            return any(a in text for a in accepted)
    return True


def period_allowed(fact: Fact, want_period: str) -> bool:
    """A stated change answers only a question about a change, and a change question only a stated change."""
    changes = ("change", "change_pct")
    if fact.period in changes and want_period not in changes:
        return False
    return not (want_period in changes and fact.period != want_period)


_START = re.compile(r"年初(?!预算)|期初")  # '年初结转和结余' (年初预算 is a measure, not a point in time)
_END = re.compile(r"年末|年底|期末")


def position_allowed(fact: Fact, pq: ParsedQuestion) -> bool:
    """A balance at the start of the year does not answer a question about the end of it, and the reverse
    ('年末结转和结余' is not '年初结转和结余')."""
    label = f"{fact.row_label} {fact.column_label}"
    asks_start, asks_end = bool(_START.search(pq.text)), bool(_END.search(pq.text))
    if _START.search(label) and asks_end and not asks_start:
        return False
    return not (_END.search(label) and asks_start and not asks_end)
