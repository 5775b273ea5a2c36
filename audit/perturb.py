"""Recall on injected errors: one disclosed figure of a clean document changed by +10%, audited again.

A change counts as found when a 确定/疑似 finding cites (or involves) the changed figure. Table cells and
sentence figures are drawn separately; a sentence figure that is stated nowhere else cannot contradict
anything, so its rate is naturally lower. Used by `python -m budgetqa.audit.measure --perturb N`.
"""
from __future__ import annotations

import copy
import logging
import random
import re
from decimal import Decimal

from budgetqa.core.records import Document, Fact

from budgetqa.audit.binding import bound
from budgetqa.audit.runner import audit_document

log = logging.getLogger(__name__)
_FACTOR = Decimal("1.1")


def _changed(f: Fact) -> Fact:
    g = copy.copy(f)
    g.value = (f.value * _FACTOR).quantize(Decimal("0.01"))
    g.value_yuan = (f.value_yuan * _FACTOR).quantize(Decimal("0.01"))
    g.value_text = str(g.value) + (f.unit if f.statement == "narrative" else "")
    number = re.match(r"[\d,.]+", f.value_text.strip())
    if number:  # the sentence now prints the new figure
        g.quote = (f.quote or "").replace(number.group(0), str(g.value), 1)
    return g


def _candidates(facts: list[Fact], narrative: bool) -> list[Fact]:
    return [f for f in facts if f.value_yuan and f.item and f.period == "current"
            and (f.statement == "narrative") == narrative and (not narrative or bound(f))]


def perturb(doc: Document, facts: list[Fact], n: int, rng: random.Random) -> dict[str, tuple[int, int, int]]:
    """{'表格': (found, found as 确定, tried), '正文': (...)} for up to n changes of each kind."""
    for i, f in enumerate(facts):
        f.fact_id = f.fact_id or i + 1
    out = {}
    for kind, narrative in (("表格", False), ("正文", True)):
        pool = _candidates(facts, narrative)
        found = certain = 0
        picks = rng.sample(pool, min(n, len(pool)))
        for f in picks:
            g = _changed(f)
            hits = [x for x in audit_document(doc, [g if y is f else y for y in facts])
                    if g.fact_id in x.fact_ids and x.severity in ("确定", "疑似")]
            found += bool(hits)
            certain += any(x.severity == "确定" for x in hits)
        out[kind] = (found, certain, len(picks))
    return out


def format_perturbation(results: dict[str, dict[str, tuple[int, int, int]]]) -> list[str]:
    lines = ["注入错误（单个数字+10%）后的检出率："]
    for kind in ("表格", "正文"):
        found = sum(r[kind][0] for r in results.values())
        certain = sum(r[kind][1] for r in results.values())
        tried = sum(r[kind][2] for r in results.values())
        if tried:
            lines.append(f"  {kind}数字：检出 {found}/{tried}（{found / tried:.0%}），其中确定 {certain}")
    return lines
