"""Finding records: what was found, with every value involved and a citation for each; grouping and export."""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Iterable

from budgetqa.core.records import Citation, Fact
from budgetqa.core.units import from_yuan, money_factor

from budgetqa.audit.rules import SEVERITY_RANK, RULES_BY_ID

log = logging.getLogger(__name__)


@dataclass
class Finding:
    rule: str  # rule id, see budgetqa.audit.rules
    severity: str  # 确定 / 疑似 / 提示
    message: str  # Chinese, names the figures and where they are
    doc: str  # document base name
    item: str | None = None  # canonical item (or subject code) concerned, for grouping and evaluation
    values: list[dict] = field(default_factory=list)  # {"role", "label", "value", "unit", "value_wan"}
    citations: list[Citation] = field(default_factory=list)
    fact_ids: list[int] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list, repr=False, compare=False)  # in-process only
    summary: str = ""  # one short clause for answer notices ('“三公”经费合计与分项之和不一致（32.78 vs 38.78万元）')

    @property
    def page(self) -> int | None:
        return next((c.page for c in self.citations if c.page is not None), None)

    @property
    def title(self) -> str:
        r = RULES_BY_ID.get(self.rule)
        return r.title if r else self.rule

    def key(self) -> tuple:
        return (self.doc, self.rule, self.item, tuple(sorted(id(f) for f in self.facts)),
                self.message if not self.facts else "")

    def to_json(self) -> dict:
        return {
            "doc": self.doc, "page": self.page, "rule": self.rule, "severity": self.severity,
            "message": self.message, "summary": self.summary or self.message, "item": self.item, "values": self.values,
            "citations": [c.to_json() for c in self.citations],
        }


_DISPLAY = {"三公经费": "“三公”经费"}


def display(item: str | None) -> str:
    """An item as a reader expects it printed ('三公经费' -> '“三公”经费')."""
    return _DISPLAY.get(item or "", item or "")


def fmt_wan(yuan: Decimal | None) -> str:
    """A money amount in 元 shown in 万元 without noise: 327800 -> '32.78'."""
    if yuan is None:
        return "?"
    wan = from_yuan(Decimal(yuan), "万元").quantize(Decimal("0.000001")).normalize()
    text = format(wan, "f")
    return text


def fmt_money(yuan: Decimal, unit: str = "万元") -> str:
    """An amount in 元 written in `unit`: (387800, '万元') -> '38.78万元'; (1234, '元') -> '1,234元'."""
    unit = unit if money_factor(unit) is not None else "万元"
    v = from_yuan(Decimal(yuan), unit).quantize(Decimal("0.0001")).normalize()
    if v == v.to_integral():
        v = v.quantize(Decimal(1))
    text = f"{v:,f}" if unit == "元" else format(v, "f")
    return f"{text}{unit}"


def shown(f: Fact) -> str:
    """A fact's value as printed, with its unit: '32.78万元', '371,514,655.00元'."""
    return f"{f.value_text}{f.unit}" if f.unit and not f.value_text.endswith(f.unit) else f.value_text


def value_entry(f: Fact, role: str) -> dict:
    return {
        "role": role, "label": f.row_label or f.item or "", "item": f.item, "value": f.value_text,
        "unit": f.unit, "value_wan": fmt_wan(f.value_yuan) if f.value_yuan is not None else None,
    }


def make_finding(rule_id: str, severity: str, ctx, message: str, facts: Iterable[tuple[str, Fact]],
                 item: str | None = None, extra: Iterable[tuple[dict, Citation]] = (), summary: str = "",
                 involved: Iterable[Fact] = ()) -> Finding:
    """A finding citing each (role, fact); `extra` adds values that are not facts (e.g. a sentence's year);
    `involved` adds facts that repeat a cited figure (their ids, so that answers using them get the notice)."""
    f = Finding(rule=rule_id, severity=severity, message=message, doc=ctx.name, item=item, summary=summary)
    for role, fact in facts:
        f.values.append(value_entry(fact, role))
        f.citations.append(fact.citation(ctx.name))
        f.facts.append(fact)
        if fact.fact_id is not None:
            f.fact_ids.append(fact.fact_id)
    for value, citation in extra:
        f.values.append(value)
        f.citations.append(citation)
    for fact in involved:
        if fact.fact_id is not None and fact.fact_id not in f.fact_ids:
            f.fact_ids.append(fact.fact_id)
    return f


def dedupe(findings: Iterable[Finding]) -> list[Finding]:
    seen, out = set(), []
    for f in findings:
        k = f.key()
        if k not in seen:
            seen.add(k)
            out.append(f)
    return out


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (f.doc, SEVERITY_RANK.get(f.severity, 9), f.page or 0, f.rule))


def group_by_doc(findings: Iterable[Finding]) -> dict[str, list[Finding]]:
    out: dict[str, list[Finding]] = {}
    for f in sort_findings(findings):
        out.setdefault(f.doc, []).append(f)
    return out


def findings_for_facts(findings: Iterable[Finding], fact_ids: Iterable[int]) -> list[Finding]:
    """The findings that involve any of the given facts (the answer engine warns about those)."""
    wanted = {i for i in fact_ids if i is not None}
    return [f for f in findings if wanted.intersection(f.fact_ids)]


def notice_for(findings: Iterable[Finding]) -> str:
    """One Chinese notice for an answer whose figures are involved in findings ('' when none)."""
    found = [f for f in sort_findings(findings) if f.severity != "提示"]
    if not found:
        return ""
    by_doc: dict[str, list[str]] = {}
    for f in found[:3]:
        by_doc.setdefault(f.doc, []).append(f"{f.summary or f.message}（{f.severity}）")
    more = f"；共{len(found)}处问题" if len(found) > 3 else ""
    if len(by_doc) == 1:
        return "注意：该文件中" + "；".join(next(iter(by_doc.values()))) + more + "。请核对原文。"
    text = "；".join(f"《{doc}》中" + "；".join(parts) for doc, parts in by_doc.items())
    return f"注意：{text}{more}。请核对原文。"


def to_json(findings: Iterable[Finding]) -> dict:
    """{"findings": [{"doc", "page", "rule", "severity", "message", "values", "citations", ...}]}"""
    return {"findings": [f.to_json() for f in sort_findings(findings)]}
