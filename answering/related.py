"""'相关数字': when no disclosed figure meets every constraint of the question, the closest ones are listed with
their citations and the constraints they miss, never as the answer.

    related_figures(store, catalog, pq, orgs, settings) -> [FactMatch]
"""
from __future__ import annotations

import logging

from budgetqa.answering.catalog import Catalog
from budgetqa.answering.labels import code_matches, similarity
from budgetqa.answering.lookup import FactFinder
from budgetqa.answering.match import check_fact
from budgetqa.answering.question import ParsedQuestion

from budgetqa.core.records import Fact, FactMatch
from budgetqa.core.settings import Settings

log = logging.getLogger(__name__)

UNMET_NAMES = {"org": "单位不同", "year": "年度不同", "item": "项目不完全一致", "measure": "口径不同",
               "kind": "类别不同（金额、数量或比率）", "doc_kind": "文件类型不同"}


def _closeness(fact: Fact, pq: ParsedQuestion) -> float:
    """How close a fact's labels are to what the question names (1.0 for its item or code)."""
    if pq.codes and (code_matches(fact, pq.codes) or any(fact.code and (fact.code.startswith(c) or c.startswith(fact.code))
                                                        for c in pq.codes)):
        return 1.0
    if pq.items and fact.item in pq.items:
        return 1.0
    topic = "".join(pq.items) or pq.topic
    if not topic:
        return 0.0
    return max(similarity(topic, fact.row_label), similarity(topic, f"{fact.row_label}{fact.column_label}"))


def _facts_of(finder: FactFinder, catalog: Catalog, org: str, year: int | None) -> list[Fact]:
    years = [year] if year in catalog.years(org) else catalog.years(org)
    return [f for y in years for f in finder.facts(org, y) if not f.blank]


def related_figures(store, catalog: Catalog, pq: ParsedQuestion, orgs: list[str], settings: Settings) -> list[FactMatch]:
    """Up to `settings.related_figures_max` disclosed figures of `orgs` closest to the question, best first."""
    limit = settings.related_figures_max
    if limit <= 0 or not orgs or not (pq.items or pq.codes or pq.topic):
        return []
    finder = FactFinder(store, catalog)
    kinds = {d.id: d.kind for d in catalog.docs}
    if len(orgs) > 1:  # several organisations fit the mention: each one's own best figure
        out = []
        for org in orgs[:limit]:
            found = finder.find(org, pq, year=pq.year)
            if found is not None and not found.fact.blank:
                out.append(check_fact(found.fact, pq, org, found.year, kinds.get(found.fact.doc_id),
                                      finder.citation(found.fact)))
        return out
    scored: list[tuple[float, str, Fact]] = []
    for org in orgs:
        for fact in _facts_of(finder, catalog, org, pq.year):
            close = _closeness(fact, pq)
            if close >= settings.related_min_similarity:
                scored.append((close, org, fact))
    scored.sort(key=lambda t: (-t[0], t[2].page or 0, t[2].table_index if t[2].table_index is not None else 999,
                               t[2].row_index or 0))
    out: list[FactMatch] = []
    seen: set[tuple] = set()
    for _, org, fact in scored:
        key = (org, fact.year, fact.row_label, fact.column_label, fact.value_text)
        if key in seen:
            continue
        seen.add(key)
        out.append(check_fact(fact, pq, org, fact.year, kinds.get(fact.doc_id), finder.citation(fact)))
        if len(out) >= limit:
            break
    return out


def related_text(figures: list[FactMatch], ambiguous: bool = False) -> str:
    """The '相关数字' block of an answer: each figure with why it is not the answer and where it is printed."""
    from budgetqa.answering.render import where

    lines = ["相关数字（供参考，并非所问数字）："]
    for m in figures:
        why = "单位待确认" if ambiguous else "、".join(UNMET_NAMES.get(n, n) for n in m.unmet)
        measure = f"，{m.measure}" if m.measure else ""
        lines.append(f"- {m.org or ''}{m.year or ''}{'年' if m.year else ''}{m.label}：{m.printed}"
                     f"（{why or '仅部分符合'}{measure}；{where(m.citation)}）")
    return "\n".join(lines)
