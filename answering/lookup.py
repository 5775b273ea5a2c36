"""FactFinder: the facts of one organisation and year that answer a question, with their citations."""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from decimal import Decimal

from budgetqa.answering.catalog import Catalog
from budgetqa.answering.question import TOTAL_ITEMS, ParsedQuestion
from budgetqa.answering.render import clean_label, fact_label
from budgetqa.answering.select import Scored, promote_table, rank
from budgetqa.core.records import AnswerFact, Citation, Fact
from budgetqa.core.vocabulary import get_vocabulary

log = logging.getLogger(__name__)


@dataclass
class Found:
    org: str
    year: int | None  # the year the value belongs to (2016 for '2016年底' read from a 2017 document)
    doc_year: int | None  # the year of the document it was read from
    best: Scored
    ranked: list[Scored] = field(default_factory=list)
    note: str | None = None  # e.g. '据2017年部门预算所列上年末数'
    balance: bool = False  # a stock at year end (assets), shown as '2016年末'

    @property
    def fact(self) -> Fact:
        return self.best.fact


def _num(v: Decimal | None):
    if v is None:
        return None
    return int(v) if v == v.to_integral_value() else float(v)


class FactFinder:
    def __init__(self, store, catalog: Catalog):
        self.store = store
        self.catalog = catalog
        self.doc_names = catalog.doc_names
        self.kinds = catalog.doc_kinds
        self._cache: dict[tuple, list[Fact]] = {}

    # --- facts -------------------------------------------------------------------------
    def facts(self, org: str, year: int | None = None) -> list[Fact]:
        key = (org, year)
        if key not in self._cache:
            ids = [d.id for d in self.catalog.documents(org, year)]
            self._cache[key] = self.store.facts(doc_ids=ids, include_blank=True) if ids else []
        return self._cache[key]

    def citation(self, fact: Fact) -> Citation:
        return fact.citation(self.doc_names.get(fact.doc_id, fact.doc_id[:12]))

    def fact_dict(self, org: str, year: int | None, fact: Fact) -> AnswerFact:
        """The answer's record of a fact it uses (read as organisation `org`, year `year`)."""
        return AnswerFact(org=org, year=year, item=fact.item or clean_label(fact.row_label), label=fact_label(fact),
                          value=_num(fact.value), unit=fact.unit, value_wan=_num(fact.value_wan), period=fact.period,
                          fact_id=fact.fact_id, citation=self.citation(fact))

    # --- search ------------------------------------------------------------------------
    def find(self, org: str, pq: ParsedQuestion, year: int | None = None, items: list[str] | None = None,
             period: str | None = None) -> Found | None:
        """Best fact of `org` for the question's item (or `items`), in `year` or the latest covered year."""
        items = answerable_items(pq, items)
        want = period or pq.period
        years = self.catalog.years(org)
        if year is None and not pq.year_end:
            tries = [(y, want, False) for y in reversed(years)] or [(None, want, False)]
        elif pq.year_end and year is not None:
            tries = [(year + 1, "previous", True), (year, "current", False)]
        else:
            tries = [(year, want, False)]
            if year not in years and want == "current":
                tries.append((year + 1, "previous", True))  # last year's column of the next document
        for doc_year, per, shifted in tries:
            if doc_year is not None and doc_year not in years:
                continue
            facts = self.facts(org, doc_year)
            ranked = rank(facts, pq, self.kinds, items=items, period=per)
            if shifted:
                ranked = [s for s in ranked if _is_previous(s.fact, doc_year)]
            if not ranked:
                continue
            if not pq.unit or pq.unit == ranked[0].fact.unit:
                ranked = promote_table(ranked)
            best = ranked[0]
            previous = shifted or best.fact.period == "previous"
            value_year = doc_year - 1 if previous and doc_year else doc_year
            stated = _stated_year(best.fact)
            if previous and stated is not None and stated != doc_year:
                value_year = stated  # the sentence names its year ('2019年…预算安排4.5万元')
            note = None
            if previous:
                kind = self.kinds.get(best.fact.doc_id) or "文件"
                if stated is not None and stated != doc_year:
                    note = f"据{doc_year}年{kind}"
                else:
                    note = f"据{doc_year}年{kind}所列上年{'末' if _is_balance(best.fact, pq) else ''}数"
            return Found(org, value_year, doc_year, best, ranked, note, balance=_is_balance(best.fact, pq))
        return None

    def coverage_of(self, pq: ParsedQuestion, items: list[str] | None = None) -> list[tuple[str, int | None]]:
        """(org, year) pairs of the corpus that do hold a fact for the question's item."""
        out = []
        for org in self.catalog.names():
            for y in self.catalog.years(org) or [None]:
                facts = self.facts(org, y)
                if rank(facts, pq, self.kinds, items=items, period="current"):
                    out.append((org, y))
        return out


def answerable_items(pq: ParsedQuestion, items: list[str] | None = None) -> list[str]:
    """The items whose facts answer the question's items (`items` overrides them): 'the budget' may be printed
    as any of the totals; 收支总额 as the 收支总表's 收入总计 (= 支出总计)."""
    items = list(pq.items if items is None else items)
    if pq.implied_total and items and set(items) <= set(TOTAL_ITEMS):
        return list(TOTAL_ITEMS)
    if items == [TOTAL_ITEMS[0]]:
        return list(TOTAL_ITEMS[:3])
    return items


def _stated_year(fact: Fact) -> int | None:
    """The one year a narrative sentence names before its figure, if any."""
    if fact.table_index is not None or not fact.quote:
        return None
    head = fact.quote.split(fact.value_text)[0] if fact.value_text and fact.value_text in fact.quote else fact.quote
    years = set(re.findall(r"((?:19|20)\d{2})\s*年", head))
    return int(years.pop()) if len(years) == 1 else None


def _is_balance(fact: Fact, pq: ParsedQuestion) -> bool:
    if pq.year_end or pq.period == "previous":
        return True
    it = get_vocabulary().item(fact.item) if fact.item else None
    return bool(it and it.group == "asset")


def _is_previous(fact: Fact, doc_year: int | None) -> bool:
    """A fact of a document describing the year before it (上年/上年末 column, or an as-of date then)."""
    if fact.period == "previous":
        return True
    if doc_year is None:
        return False
    text = f"{fact.locator} {fact.statement} {fact.quote}"
    prev = doc_year - 1
    return bool(re.search(rf"{prev}[-年.]?\s*12[-月.]?\s*31|{prev}年(?:底|末)|上年末|上年底", text))
