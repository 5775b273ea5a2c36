"""What the checks see of one document: its facts, page texts and tables, plus helpers shared by the checks."""
from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from budgetqa.core.records import Fact, Table
from budgetqa.core.units import money_factor

from budgetqa.audit.binding import bound
from budgetqa.audit.labels import item_of_label, measure_of_fact, scope_of_fact
from budgetqa.audit.rules import TOLERANCE

log = logging.getLogger(__name__)

_INCOME_OTHER = ("事业收入", "事业单位经营收入", "其他收入", "上级补助收入", "附属单位上缴收入", "政府性基金",
                 "国有资本经营预算", "财政专户管理资金收入")


@dataclass
class DocContext:
    doc_id: str
    name: str  # base name, cited
    facts: list[Fact]
    pages: dict[int, str] = field(default_factory=dict)  # page number -> text
    paged: bool = False
    kind: str | None = None  # '部门预算', '部门决算', ... or None
    year: int | None = None
    org: str | None = None
    tables: list[Table] = field(default_factory=list)  # printed tables (blank cells included), when known
    format: str = ""  # 'pdf', 'txt', ... (for re-reading tables with the extractor)
    cache: dict = field(default_factory=dict, repr=False)  # results shared between rules of one run

    # --- document-level facts ----------------------------------------------------------------
    @cached_property
    def money(self) -> list[Fact]:
        return [f for f in self.facts if f.value_yuan is not None]

    @cached_property
    def is_final(self) -> bool:
        """True for 决算 (final accounts): budget and actual figures then sit side by side."""
        kinds = [self.kind or ""] + [f.doc_kind or "" for f in self.facts[:50]]
        return any("决算" in k for k in kinds)

    @cached_property
    def doc_year(self) -> int | None:
        if self.year:
            return self.year
        years = Counter(f.year for f in self.facts if f.year)
        return years.most_common(1)[0][0] if years else None

    @cached_property
    def single_source(self) -> bool:
        """All income is 一般公共预算/财政拨款 (no other source disclosed non-zero): scopes then coincide."""
        for f in self.money:
            if f.value_yuan and f.value_yuan > 0 and f.period == "current":
                if f.item in _INCOME_OTHER or item_of_label(f.column_label) in _INCOME_OTHER:
                    return False
        return True

    @cached_property
    def text(self) -> str:
        return "\n".join(self.pages[n] for n in sorted(self.pages))

    # --- per-fact helpers ----------------------------------------------------------------------
    def measure(self, f: Fact) -> str | None:
        """'budget' / 'actual' in 决算 documents (None when unknown); always None in 预算 documents."""
        return measure_of_fact(f) if self.is_final else None

    def scope(self, f: Fact) -> str | None:
        """Funding scope: 'gp' (一般公共预算/财政拨款), 'fund', 'soe' or None (all funds)."""
        s = scope_of_fact(f)
        if s == "gp" and self.single_source:
            return None
        return s

    def fact_code(self, f: Fact) -> str | None:
        """The subject code of a fact, also for class rows printed without a code ('八、社会保障和就业支出')."""
        if f.code:
            return f.code
        if f.item:
            from budgetqa.core.vocabulary import get_vocabulary

            item = get_vocabulary().item(f.item)
            if item and "concept" not in item.kinds and len(item.codes) == 1:
                return item.codes[0]
        return None


def step_yuan(f: Fact) -> Decimal:
    """One hundredth of the fact's printed unit, in 元 (the rounding step of a printed figure)."""
    factor = money_factor(f.unit)
    if factor is None and f.value and f.value_yuan is not None:
        factor = abs(f.value_yuan / f.value)
    return TOLERANCE * (factor or Decimal(1))


def tolerance(facts: list[Fact], operands: int = 1) -> Decimal:
    """0.01 of the coarsest printed unit among `facts`, times the number of summed operands."""
    return max((step_yuan(f) for f in facts), default=TOLERANCE) * max(1, operands)


def close(a: Decimal, b: Decimal, tol: Decimal) -> bool:
    return abs(a - b) <= tol


def clusters(facts: list[Fact]) -> list[list[Fact]]:
    """Facts grouped by value (equal within the rounding tolerance of the two figures)."""
    out: list[list[Fact]] = []
    for f in sorted(facts, key=lambda x: x.value_yuan):
        if out and close(out[-1][0].value_yuan, f.value_yuan, tolerance([out[-1][0], f])):
            out[-1].append(f)
        else:
            out.append([f])
    return out


def tight_binding(f: Fact) -> bool:
    """Table facts, and sentence facts firmly tied to their item (budgetqa.audit.binding)."""
    return bound(f)


def place(f: Fact) -> str:
    """Where a fact is, for messages: '第3页 三公经费表 合计行' / '正文“四、…”'."""
    page = f"第{f.page}页" if f.page else ""
    loc = (f.locator or "").strip()
    return f"{page}{'，' if page and loc else ''}{loc}" or "正文"
