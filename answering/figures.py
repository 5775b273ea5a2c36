"""Answers from disclosed facts: lookups here; computed intents in `budgetqa.answering.compute`.

`FigureAnswerer(store, catalog).answer(pq) -> Answer | None`. None means "not a figure question (or no
fact matches): let the passages answer". A returned Answer may be 'not_found' (organisation or year not in
the corpus) or 'ambiguous' (several organisations fit).
"""
from __future__ import annotations

import logging
from dataclasses import replace

from budgetqa.answering import render
from budgetqa.answering.catalog import Catalog
from budgetqa.answering.compute import compute
from budgetqa.answering.derived import previous_by_change
from budgetqa.answering.interpret import interpretation
from budgetqa.answering.item_roles import contained
from budgetqa.answering.lookup import FactFinder, Found
from budgetqa.answering.question import ParsedQuestion
from budgetqa.answering.select import conflicting, corroborating

from budgetqa.core.records import Answer

log = logging.getLogger(__name__)

COMPUTED_INTENTS = ("difference", "growth", "share", "rate", "sum", "ranking", "trend")


class FigureAnswerer:
    def __init__(self, store, catalog: Catalog):
        self.catalog = catalog
        self.finder = FactFinder(store, catalog)

    def answer(self, pq: ParsedQuestion) -> Answer | None:
        if pq.unknown_org and not pq.orgs:
            return self.unknown_org(pq)
        if pq.intent in ("list", "narrative") or pq.wants_text:
            return None
        if not (pq.items or pq.codes or pq.topic):
            return None
        if pq.intent in COMPUTED_INTENTS:
            result = compute(self, pq)
            if result is not None:
                return result
        orgs = self.scope(pq)
        if isinstance(orgs, Answer):
            return orgs
        if not orgs:
            return None
        return self.lookup(pq, orgs[0])

    # --- scope -------------------------------------------------------------------------
    def scope(self, pq: ParsedQuestion, all_when_none: bool = False) -> list[str] | Answer:
        """Organisations the question is about; an 'ambiguous' Answer when it cannot tell."""
        if pq.orgs:
            return list(pq.orgs)
        if pq.org_candidates:
            cands = pq.org_candidates[0]
            if all_when_none:
                return cands
            return self.ambiguous(pq, _mention(pq), cands)
        if all_when_none:
            return self.catalog.names()
        names = self.catalog.names()
        if len(names) == 1:
            return names
        # no organisation named: answer only when exactly one organisation discloses the item
        holders = []
        for org in names:
            years = [pq.year] if pq.year else [None]
            if any(self.finder.find(org, pq, year=y) for y in years):
                holders.append(org)
        if len(holders) == 1:
            return holders
        if len(holders) > 1:
            return self.ambiguous(pq, "（未指明单位）", holders)
        return []

    # --- answers -----------------------------------------------------------------------
    def lookup(self, pq: ParsedQuestion, org: str) -> Answer | None:
        inside = contained(pq) if len(pq.items) >= 2 else None
        if inside is not None:  # '基本支出里的津贴补贴': the part is asked, the whole only places it
            pq = replace(pq, items=[inside[1]])
        if len(pq.items) >= 2 and not pq.codes:
            multi = self._multi_lookup(pq, org)
            if multi is not None:
                return multi
        found = self.finder.find(org, pq, year=pq.year)
        if found is None:
            derived = previous_by_change(self, pq, org, pq.year) if pq.year else None
            return derived or self.not_found(pq, org)
        return self.render_lookup(pq, found)

    def _multi_lookup(self, pq: ParsedQuestion, org: str) -> Answer | None:
        """Several items named ('三公经费和机关运行经费'): one fact matching all, else one line per item."""
        found = self.finder.find(org, pq, year=pq.year)
        if found is not None and found.best.item_hits >= len(pq.items):
            return None  # one cell answers all (row + column), handled as a plain lookup
        parts = [(it, self.finder.find(org, pq, year=pq.year, items=[it])) for it in pq.items]
        if sum(1 for _, f in parts if f) < 2:
            return None
        lines, facts, cites = [], [], []
        for it, f in parts:
            if f is None:
                lines.append(f"{it}：未披露。")
                continue
            lines.append(render.lookup_sentence(org, f.fact, pq.unit, f.year))
            facts.append(self.finder.fact_dict(org, f.year, f.fact))
            cites.append(self.finder.citation(f.fact))
        text = "\n".join(lines) + "\n" + "\n".join(render.source_line(c) for c in cites)
        return Answer(question=pq.text, answer=text, status="answered", facts=facts, citations=cites,
                      interpretation=interpretation(pq, [org]))

    def render_lookup(self, pq: ParsedQuestion, found: Found) -> Answer:
        fact = found.fact
        cite = self.finder.citation(fact)
        lines = [render.lookup_sentence(found.org, fact, pq.unit, found.year, found.balance)]
        if found.note:
            lines[0] = lines[0].rstrip("。") + f"（{found.note}）。"
        if fact.table_index is None and fact.quote:
            lines.append(f"原文：“{render.short_quote(fact.quote)}”")
        lines.append(render.source_line(cite))
        facts = [self.finder.fact_dict(found.org, found.year, fact)]
        cites = [cite]
        also = corroborating(found.best, found.ranked)
        if also:
            extra = [self.finder.citation(f) for f in also]
            lines.append("同一数字亦见于：" + "；".join(render.where(c) for c in extra) + "。")
            cites.extend(extra)
        notices = []
        for other in conflicting(found.best, found.ranked):
            c = self.finder.citation(other)
            notices.append(f"注意：{render.where(c)}所列“{render.fact_label(other)}”为{render.printed(other)}，"
                           f"与上述数字不同。")
        if fact.value == 0 and not fact.blank:
            lines[0] = lines[0].rstrip("。") + "（文件披露为零）。"
        if pq.year and found.year != pq.year and not pq.year_end:
            notices.append(f"注意：该数字属于{found.year}年。")
        if pq.year is None and len(self.catalog.years(found.org)) > 1:
            others = [y for y in self.catalog.years(found.org) if y != found.doc_year]
            notices.append("未指明年度，按最新年度回答；另有" + "、".join(f"{y}年" for y in others) + "的文件。")
        text = "\n".join(lines + notices)
        return Answer(question=pq.text, answer=text, status="answered", facts=facts, citations=cites,
                      interpretation=interpretation(pq, [found.org], found.year), notices=notices)

    def not_found(self, pq: ParsedQuestion, org: str | None) -> Answer:
        label = "、".join(pq.items) if pq.items else (pq.topic or "该项")
        what = f"{org or ''}{render.year_text(pq.year)}{'底' if pq.year_end else ''}“{label}”"
        coverage = None
        if org and org in self.catalog.orgs:
            coverage = render.coverage_sentence(org, self.catalog.orgs[org].coverage())
        holders = self.finder.coverage_of(pq) if (pq.items or pq.codes) else []
        hint = None
        if holders:
            listed = "、".join(f"{o}（{y}年）" if y else o for o, y in holders[:8])
            hint = f"披露了该项数据的有：{listed}。"
        return Answer(question=pq.text, answer=render.not_found_text(what, coverage, hint), status="not_found",
                      interpretation=interpretation(pq, [org] if org else []))

    def unknown_org(self, pq: ParsedQuestion) -> Answer:
        text = render.unknown_org_text(pq.unknown_org or "", self.catalog.names())
        return Answer(question=pq.text, answer=text, status="not_found", interpretation=interpretation(pq, []))

    def ambiguous(self, pq: ParsedQuestion, mention: str, candidates: list[str]) -> Answer:
        cands = [(c, self.catalog.orgs[c].coverage() if c in self.catalog.orgs else "") for c in candidates]
        return Answer(question=pq.text, answer=render.ambiguous_text(mention, cands), status="ambiguous",
                      interpretation=interpretation(pq, []))


def _mention(pq: ParsedQuestion) -> str:
    for m in pq.mentions:
        if len(m.candidates) > 1:
            return m.text
    return "（未指明单位）"
