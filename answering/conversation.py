"""Conversation state: elliptical follow-ups borrow what they leave out from the previous turn.

    鹿泉区信访局2021年三公经费是多少？   -> full question
    那2020年呢？                        -> new year; same organisation and item
    它的机关运行经费呢？                  -> same organisation and year; new item
    和广阳区比呢？                        -> compare the previous organisation with 广阳区
    廊坊市委信访局2017年的呢？             -> other organisation and year; same item
Works without an LLM; the merged reading is shown to the user as `Answer.interpretation`.
"""
from __future__ import annotations

import copy
import logging
import time
from dataclasses import dataclass, field

from budgetqa.answering.catalog import Catalog
from budgetqa.answering.question import ParsedQuestion
from budgetqa.core.records import Answer

log = logging.getLogger(__name__)


@dataclass
class Turn:
    question: str
    parsed: ParsedQuestion
    status: str
    doc_ids: list[str] = field(default_factory=list)


@dataclass
class Session:
    turns: list[Turn] = field(default_factory=list)
    last_active: float = field(default_factory=time.monotonic)
    max_turns: int = 20

    @property
    def last(self) -> ParsedQuestion | None:
        return self.turns[-1].parsed if self.turns else None

    def reset(self) -> None:
        self.turns.clear()

    def expire(self, idle_seconds: float) -> bool:
        """Forget the conversation after `idle_seconds` without a question (kiosk). True if it was reset."""
        idle = time.monotonic() - self.last_active > idle_seconds
        if idle and self.turns:
            self.reset()
        return idle

    def resolve(self, pq: ParsedQuestion, catalog: Catalog) -> ParsedQuestion:
        """The question with what it leaves out taken from the previous turn (a new object)."""
        prev = self.last
        if prev is None:
            return pq
        out = copy.copy(pq)
        for name in ("orgs", "org_candidates", "years", "items", "codes", "terms", "mentions"):
            setattr(out, name, list(getattr(pq, name)))
        if pq.unknown_org and not pq.orgs:
            return out  # a named organisation outside the corpus is never replaced by the previous one
        no_topic = not pq.items and not pq.codes and not pq.terms
        named_org = bool(pq.orgs or pq.org_candidates)
        elliptical = pq.followup or no_topic or not named_org
        if not elliptical:
            return out
        borrowed = []
        # organisation(s)
        if not named_org and pq.intent != "ranking" and (prev.orgs or prev.org_candidates):
            out.orgs = list(prev.orgs)
            out.org_candidates = [list(c) for c in prev.org_candidates]
            borrowed.append("单位")
        elif pq.intent in ("difference", "growth") and len(pq.orgs) == 1 and prev.orgs and prev.orgs[0] != pq.orgs[0]:
            out.orgs = [prev.orgs[0], pq.orgs[0]]  # '和广阳区比呢'
            borrowed.append("比较对象")
        # item
        if no_topic:
            out.items, out.codes, out.terms, out.topic = list(prev.items), list(prev.codes), list(prev.terms), prev.topic
            out.period = prev.period if pq.period == "current" else pq.period
            out.unit = pq.unit or prev.unit
            out.count_unit = pq.count_unit or prev.count_unit
            out.wants_text = prev.wants_text
            out.implied_total = prev.implied_total
            if pq.intent == "lookup" and not (named_org and prev.intent in ("difference", "growth", "sum", "ranking")):
                out.intent = prev.intent  # '那2020年呢' keeps the computation; '某单位的呢' asks its figure
            borrowed.append("项目")
        # year: kept when the (possibly new) organisation has it
        if not pq.years and prev.years and not pq.year_note and pq.intent != "ranking":
            org = out.orgs[-1] if out.orgs else None
            if org is None or set(prev.years) & set(catalog.years(org)) or len(out.orgs) > 1:
                out.years = list(prev.years)
                out.year_end = prev.year_end
                borrowed.append("年度")
        if not pq.kind_hint:
            out.kind_hint = prev.kind_hint
        if borrowed:
            note = "沿用上一问的" + "、".join(borrowed)
            out.year_note = f"{pq.year_note}；{note}" if pq.year_note else note
            log.debug("follow-up %r resolved with %s", pq.text, borrowed)
        return out

    def record(self, pq: ParsedQuestion, answer: Answer, doc_ids: list[str] | None = None) -> None:
        self.turns.append(Turn(pq.text, pq, answer.status, list(doc_ids or [])))
        del self.turns[:-self.max_turns]
        self.last_active = time.monotonic()
