"""Operands of computed answers: a disclosed fact with its organisation and year, the common display unit,
and the answer that shows every operand with its citation (shared by compute and series)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from budgetqa.answering import render
from budgetqa.answering.interpret import interpretation
from budgetqa.answering.lookup import Found
from budgetqa.answering.question import ParsedQuestion
from budgetqa.core.records import Answer, Fact
from budgetqa.core.units import from_yuan, is_money_unit

_DOWN = re.compile(r"减少|下降|降低|压减|减|缩减|回落")
_UP = re.compile(r"增加|增长|上升|提高")


@dataclass
class Operand:
    found: Found

    @property
    def fact(self) -> Fact:
        return self.found.fact

    def amount(self, unit: str) -> Decimal:
        f = self.fact
        if is_money_unit(unit) and f.value_yuan is not None:
            return from_yuan(f.value_yuan, unit)
        return f.value

    def label(self, fa) -> str:
        year = render.year_text(self.found.year)
        return f"{self.found.org}{year}{render.fact_label(self.fact)}"


def common_unit(ops: list[Operand], asked: str | None) -> str | None:
    """Common display unit of the operands, None when they cannot be combined."""
    units = {o.fact.unit for o in ops}
    if all(o.fact.value_yuan is not None for o in ops):
        if is_money_unit(asked):
            return asked
        return units.pop() if len(units) == 1 else "万元"
    return units.pop() if len(units) == 1 else None



def computed_answer(fa, pq: ParsedQuestion, headline: str, ops: list[Operand], arithmetic: str, orgs: list[str],
            notes: list[str] | None = None, computed: bool = True) -> Answer:
    first, _, rest = headline.partition("\n")
    lines = [first + (render.COMPUTED if computed else "")] + ([rest] if rest else [])
    if arithmetic:
        lines.append(f"计算：{arithmetic}")
    lines.append("依据：")
    cites, facts = [], []
    for o in ops:
        c = fa.finder.citation(o.fact)
        lines.append(f"- {o.label(fa)}：{render.printed(o.fact)}（{render.where(c)}）")
        cites.append(c)
        facts.append(fa.finder.fact_dict(o.found.org, o.found.year, o.fact))
    lines.extend(notes or [])
    return Answer(question=pq.text, answer="\n".join(lines), status="answered", facts=facts, citations=cites,
                  interpretation=interpretation(pq, orgs), computed=arithmetic or None, notices=list(notes or []))


def find_operand(fa, org: str, pq: ParsedQuestion, year: int | None, notes: list[str], **kw) -> Found | None:
    found = fa.finder.find(org, pq, year=year, **kw)
    if found is None and year is not None and year not in fa.catalog.years(org):
        found = fa.finder.find(org, pq, year=None, **kw)
        if found is not None:
            notes.append(f"注意：{org}没有{year}年的文件，使用其{found.year}年数据。")
    return found


def percent(a: Decimal, b: Decimal) -> Decimal | None:
    try:
        return (a / b * 100).quantize(Decimal("0.01"))
    except (InvalidOperation, ZeroDivisionError):
        return None


def missing_answer(fa, pq: ParsedQuestion, org: str | None) -> Answer:
    return fa.not_found(pq, org)


def change_is_down(f: Fact) -> bool:
    """A stated change is a decrease: a negative value, or a decrease word in its label or just before it."""
    label = render.fact_label(f)
    if f.value < 0 or _DOWN.search(label):
        return True
    if _UP.search(label):
        return False
    q = f.quote or ""
    idx = q.find(f.value_text) if f.value_text else -1
    near = q[max(0, idx - 8):idx] if idx >= 0 else ""
    return bool(_DOWN.search(near)) and not _UP.search(near)
