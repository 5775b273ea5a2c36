"""FactFinder: the facts of one organisation and year that answer a question, with their citations."""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from decimal import Decimal

from answering.catalog import Catalog
from answering.question import TOTAL_ITEMS, ParsedQuestion
from answering.render import clean_label, fact_label
from answering.select import Scored, rank
from budgetqa.records import Citation, Fact

log = logging.getLogger(__name__)


@dataclass
class Found:
    org: str
    year: int | None  # the year the value belongs to (2016 for '2016年底' read from a 2017 document)
    doc_year: int | None  # the year of the document it was read from
    best: Scored
    ranked: list[Scored] = field(default_factory=list)
    note: str | None = None  # e.g. '据2017年部门预算所列上年末数'

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
        self.doc_names = store.doc_names()
        self.kinds = {d.id: d.kind for d in catalog.docs}
        self._cache: dict[tuple, list[Fact]] = {}

    # --- facts -------------------------------------------------------------------------
    def facts(self, org: str, year: int | None = None) -> list[Fact]:
        key = (org, year)
        if key not in self._cache:
            ids = [d.id for d in self.catalog.documents(org, year)]
            self._cache[key] = self.store.facts(doc_ids=ids) if ids else []
        return self._cache[key]

    def citation(self, fact: Fact) -> Citation:
        return fact.citation(self.doc_names.get(fact.doc_id, fact.doc_id[:12]))

    def fact_dict(self, org: str, year: int | None, fact: Fact) -> dict:
        return {
            "org": org,
            "year": year,
            "item": fact.item or clean_label(fact.row_label),
            "label": fact_label(fact),
            "value": _num(fact.value),
            "unit": fact.unit,
            "value_wan": _num(fact.value_wan),
            "period": fact.period,
            "citation": self.citation(fact).to_json(),
        }

    # --- search ------------------------------------------------------------------------
    def find(self, org: str, pq: ParsedQuestion, year: int | None = None, items: list[str] | None = None,
             period: str | None = None) -> Found | None:
        """Best fact of `org` for the question's item (or `items`), in `year` or the latest covered year."""
        items = list(pq.items if items is None else items)
        if items and set(items) <= set(TOTAL_ITEMS):
            items = list(TOTAL_ITEMS)  # 'the budget' may be printed as any of the totals
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
            best = ranked[0]
            value_year = doc_year - 1 if (shifted or best.fact.period == "previous") and doc_year else doc_year
            note = None
            if shifted or best.fact.period == "previous":
                note = f"据{doc_year}年文件所列上年（末）数"
            return Found(org, value_year if shifted or pq.year_end else doc_year, doc_year, best, ranked, note)
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


def _is_previous(fact: Fact, doc_year: int | None) -> bool:
    """A fact of a document describing the year before it (上年/上年末 column, or an as-of date then)."""
    if fact.period == "previous":
        return True
    if doc_year is None:
        return False
    text = f"{fact.locator} {fact.statement} {fact.quote}"
    prev = doc_year - 1
    return bool(re.search(rf"{prev}[-年.]?\s*12[-月.]?\s*31|{prev}年(?:底|末)|上年末|上年底", text))
