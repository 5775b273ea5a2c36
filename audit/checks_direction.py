"""Statements of direction against the figures they name.

Two kinds of statement are read (vocabulary tables below, no document-specific phrase):
- 决算 vs 预算: '决算数小于（年初/全年）预算数', '决算数与预算数（基本）持平', '…大于…' - checked against the
  budget and actual figures printed in the statement's sentence or, when it names none, in the sentences just
  before it within the same item (a final account prints '年初预算为A万元，支出决算为B万元。决算数小于预算数…');
  the statement is contradicted only when no budget/actual pair of that window satisfies it;
- year-on-year changes in one sentence: a change amount and a change rate of the same item pointing in
  opposite directions ('减少56.95万元，增长1.87%'), '持平' stated next to a non-zero change, or a total change
  and its parts after '其中' that add up only when one direction word is read the other way round
  ('减少1683.37万元，其中：基本支出减少182.37万元；项目支出减少1865.74万元').
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from decimal import Decimal

from budgetqa.core.records import Citation, Fact

from budgetqa.audit.binding import squash
from budgetqa.audit.context import DocContext, step_yuan
from budgetqa.audit.findings import Finding, make_finding, shown
from budgetqa.audit.labels import change_sign
from budgetqa.audit.layout import Sentence, sentences
from budgetqa.audit.rules import CERTAIN, ROUGHLY_EQUAL, Rule
from budgetqa.core.units import MONEY_UNIT_RE, money_factor

log = logging.getLogger(__name__)

# relation words: what '决算 <word> 预算' asserts about actual - budget
RELATIONS = {
    "大于": ">", "高于": ">", "超过": ">", "超出": ">", "多于": ">",
    "小于": "<", "低于": "<", "少于": "<",
    "等于": "=", "相等": "=", "持平": "=", "一致": "=", "相同": "=", "相当": "~",
}
_WORDS = "|".join(sorted(RELATIONS, key=len, reverse=True))
_QUAL = r"(?P<q>年初|全年|调整后?)?"
# '决算数小于全年预算数' / '决算数与预算数基本持平' / '决算数比预算数低'
STATEMENTS = (
    re.compile(rf"决算数?(?P<w>{_WORDS}){_QUAL}预算数?"),
    re.compile(rf"决算数?(?:与|和|同|较|比){_QUAL}预算数?(?:相比|相较)?(?P<b>基本|大致|大体)?(?P<w>{_WORDS})"),
)
_MONEY = re.compile(rf"(?<![\d.])(-?\d[\d,]*(?:\.\d+)?)({MONEY_UNIT_RE})")
_MEASURE = re.compile(r"预算|决算|执行数|实际支出|实际完成")
_CLAUSE_BREAK = re.compile(r"[，,；;：:（(）)]")
_FLAT = re.compile(r"持平|不变|相同|一致")
MAX_BACK = 3  # sentences looked back for the figures of a statement that names none


@dataclass
class Figure:
    yuan: Decimal
    text: str  # '1511.89万元'
    measure: str  # 'budget' | 'actual'
    qualifier: str  # '年初' / '全年' / '调整' / ''
    sentence: Sentence
    step: Decimal  # half the last printed digit, in 元


def _figures(s: Sentence) -> list[Figure]:
    out = []
    for m in _MONEY.finditer(s.text):
        head = _CLAUSE_BREAK.split(s.text[max(0, m.start() - 24):m.start()])[-1]
        words = list(_MEASURE.finditer(head))
        if not words:
            continue
        word = words[-1].group(0)
        measure = "budget" if word == "预算" else "actual"
        qual = next((q for q in ("年初", "全年", "调整") if q in head[:words[-1].start()]), "")
        number = m.group(1).replace(",", "")
        try:
            value = Decimal(number)
        except ArithmeticError:
            continue
        factor = money_factor(m.group(2))
        exponent = value.as_tuple().exponent
        step = Decimal(1).scaleb(exponent if isinstance(exponent, int) else 0) * factor / 2
        out.append(Figure(value * factor, m.group(0), measure, qual, s, step))
    return out


def _holds(relation: str, actual: Figure, budget: Figure, rough: bool) -> bool:
    tol = actual.step + budget.step
    diff = actual.yuan - budget.yuan
    if relation == ">":
        return diff > -tol
    if relation == "<":
        return diff < tol
    if relation == "~" or rough:
        return abs(diff) <= max(tol, abs(budget.yuan) * ROUGHLY_EQUAL)
    return abs(diff) <= tol


def check_directions(ctx: DocContext, rule: Rule) -> list[Finding]:
    return _budget_statements(ctx) + _change_signs(ctx) + _change_parts(ctx)


def _window(items: list[Sentence], i: int) -> list[Figure]:
    """Figures of sentence i, with those of the sentences before it (back to the start of its item) when it
    does not print both a budget and an actual figure itself."""
    out = _figures(items[i])
    if {f.measure for f in out} == {"budget", "actual"} or items[i].starts_item:
        return out
    for j in range(i - 1, max(-1, i - 1 - MAX_BACK), -1):
        out = _figures(items[j]) + out
        if {f.measure for f in out} == {"budget", "actual"} or items[j].starts_item:
            break
    return out


def _budget_statements(ctx: DocContext) -> list[Finding]:
    if not ctx.pages:
        return []
    items = sentences(ctx)
    out = []
    for i, s in enumerate(items):
        m = next((m for p in STATEMENTS if (m := p.search(s.text))), None)
        if not m or "（" in s.text[m.start():m.end()]:
            continue  # '决算数大于（小于）预算数' is a blank form's instruction
        relation = RELATIONS[m.group("w")]
        rough = bool(m.groupdict().get("b")) or relation == "~"
        figures = _window(items, i)
        actual = [f for f in figures if f.measure == "actual"]
        budget = [f for f in figures if f.measure == "budget"]
        if m.group("q"):
            budget = [f for f in budget if f.qualifier == m.group("q")[:2]] or budget
        if not actual or not budget:
            continue
        if any(_holds(relation, a, b, rough) for a in actual for b in budget):
            continue
        out.append(_statement_finding(ctx, s, m.group(0), actual[-1], budget[-1]))
    return out


def _fact_for(ctx: DocContext, f: Figure) -> Fact | None:
    key = squash(f.text)
    for fact in ctx.facts:
        if fact.statement == "narrative" and fact.value_yuan == f.yuan and key in squash(fact.quote) \
                and squash(fact.quote)[:12] in f.sentence.text:
            return fact
    return None


def _statement_finding(ctx: DocContext, s: Sentence, said: str, actual: Figure, budget: Figure) -> Finding:
    facts, extra = [], []
    for role, fig in (("决算数", actual), ("预算数", budget)):
        fact = _fact_for(ctx, fig)
        if fact is not None:
            facts.append((role, fact))
        else:
            cite = Citation(doc=ctx.name, page=fig.sentence.page if ctx.paged else None, locator="正文",
                            quote=fig.sentence.text)
            extra.append(({"role": role, "label": "", "value": fig.text, "unit": ""}, cite))
    statement = Citation(doc=ctx.name, page=s.page if ctx.paged else None, locator="正文", quote=s.text)
    extra.append(({"role": "所述方向", "label": "", "value": said, "unit": ""}, statement))
    item = next((f.item for _, f in facts if f.item), None) or "决算与预算"
    msg = f"文中称“{said}”，但所列决算数{actual.text}、预算数{budget.text}并非如此（“{s.text[:50]}”）"
    return make_finding("direction", CERTAIN, ctx, msg, facts, item=item, extra=extra,
                        summary=f"所述“{said}”与所列决算数、预算数不符")


def _change_signs(ctx: DocContext) -> list[Finding]:
    """A change amount and a change rate of one item in one sentence must point the same way; '持平' means none."""
    groups: dict[tuple, list[Fact]] = {}
    for f in ctx.facts:
        if f.statement == "narrative" and f.period in ("change", "change_pct") and f.value:
            groups.setdefault((f.quote, f.item), []).append(f)
    out = []
    for (quote, item), facts in groups.items():
        amounts = [f for f in facts if f.period == "change"]
        rates = [f for f in facts if f.period == "change_pct"]
        if len(amounts) == 1 and len(rates) == 1 and change_sign(amounts[0]) != change_sign(rates[0]):
            a, r = amounts[0], rates[0]
            msg = (f"{item or '该项'}同一句中增减额与增减率方向相反："
                   f"“{_said(a)}{shown(a)}”与“{_said(r)}{shown(r)}”（“{squash(quote)[:50]}”）")
            out.append(make_finding("direction", CERTAIN, ctx, msg, [("增减额", a), ("增减率", r)],
                                    item=item or "增减方向", summary=f"{item or '该项'}所写增减方向前后矛盾"))
        flat = _FLAT.search(squash(quote))
        if flat and len(facts) >= 1 and all(f.value for f in facts) and _flat_about(squash(quote), flat, facts):
            msg = f"{item or '该项'}文中称“{flat.group(0)}”，但同句写有增减{shown(facts[0])}（“{squash(quote)[:50]}”）"
            out.append(make_finding("direction", CERTAIN, ctx, msg, [("增减", f) for f in facts],
                                    item=item or "增减方向", summary=f"{item or '该项'}称持平但写有增减"))
    return out


def _said(f: Fact) -> str:
    return "减少/下降" if change_sign(f) < 0 else "增加/增长"


def _flat_about(quote: str, flat: re.Match, facts: list[Fact]) -> bool:
    """'持平' in the clause of one of the change figures (not another item's clause of the sentence)."""
    start = max(quote.rfind(c, 0, flat.start()) for c in "，,；;") + 1
    ends = [i for i in (quote.find(c, flat.end()) for c in "，,；;。") if i >= 0]
    clause = quote[start:min(ends) if ends else len(quote)]
    return any(squash(f.value_text) in clause for f in facts)


def _section(f: Fact) -> str:
    return (f.locator or "").rsplit(" / 第", 1)[0]


def _change_parts(ctx: DocContext) -> list[Finding]:
    """A total change before '其中' and the part changes after it (in that sentence and the next ones of the
    paragraph, '；' splitting them)."""
    order: list[tuple[str, str]] = []  # (section, quote) in document order
    changes: dict[tuple[str, str], list[Fact]] = {}
    for f in ctx.facts:
        if f.statement != "narrative":
            continue
        key = (_section(f), f.quote)
        if key not in changes:
            order.append(key)
            changes[key] = []
        if f.period == "change" and f.value_yuan:
            changes[key].append(f)
    out = []
    for i, key in enumerate(order):
        q = squash(key[1])
        split = q.find("其中")
        if split < 0 or not changes[key]:
            continue
        placed = sorted(((q.find(squash(f.value_text)), f) for f in changes[key]), key=lambda x: x[0])
        total = [f for pos, f in placed if 0 <= pos < split]
        parts = [f for pos, f in placed if pos > split]
        for nxt in order[i + 1:i + 4]:
            if nxt[0] != key[0] or not changes[nxt] or "其中" in squash(nxt[1]):
                break
            parts += changes[nxt]
        if len(total) != 1 or len(parts) < 2 or len({f.unit for f in total + parts}) != 1:
            continue
        found = _direction_slip(ctx, total[0], parts)
        if found:
            out.append(found)
    return out


def _direction_slip(ctx: DocContext, total: Fact, parts: list[Fact]) -> Finding | None:
    signed = [abs(f.value_yuan) * change_sign(f) for f in [total] + parts]
    tol = sum((step_yuan(f) / 2 for f in [total] + parts), Decimal(0))
    if abs(signed[0] - sum(signed[1:])) <= tol:
        return None
    culprit = total if abs(-signed[0] - sum(signed[1:])) <= tol else None
    for i, f in enumerate(parts, start=1):
        if culprit is None and abs(signed[0] - (sum(signed[1:]) - 2 * signed[i])) <= tol:
            culprit = f
    if culprit is None:
        return None  # not a matter of direction (or the parts are not all listed)
    msg = (f"增减额{_said(total)}{shown(total)}与其中各项增减之和，仅在“{_said(culprit)}{shown(culprit)}”"
           f"方向相反时相符（“{squash(total.quote)[:60]}”）")
    pairs = [("增减合计", total)] + [("其中", f) for f in parts]
    return make_finding("direction", CERTAIN, ctx, msg, pairs, item=culprit.item or "增减方向",
                        summary="增减方向与各项增减之和不符")
