"""Which constraints of a question a fact satisfies: organisation, year, item (or code), measure, kind of
figure (money / count / percent) and kind of document. The `ask --json` 'match' object, the full-match rule
for asserted figures, and the reasons a related figure is not the answer.

    check_fact(fact, pq, org="普陀区财政局", year=2024, doc_kind="部门决算", citation=cite) -> FactMatch
"""
from __future__ import annotations

import re

from budgetqa.answering.constraints import kind_allowed, measure_allowed
from budgetqa.answering.features import MIN_LABEL_SIM
from budgetqa.answering.labels import (
    code_matches,
    column_item,
    norm,
    shares_noun,
    similarity,
)
from budgetqa.answering.lookup import answerable_items
from budgetqa.answering.question import ParsedQuestion
from budgetqa.answering.render import fact_label, printed

from budgetqa.core.measures import default_measure, measure_name, measure_spans
from budgetqa.core.phrases import get_phrases
from budgetqa.core.records import Citation, ConstraintCheck, Fact, FactMatch
from budgetqa.core.units import is_money_unit
from budgetqa.core.vocabulary import get_vocabulary

# A topic without a vocabulary item is met by a label printing most of its content characters: a weak
# resemblance ('总收入' ~ '其他收入') is listed as a related figure, never asserted.
MIN_TOPIC_COVERAGE = 0.75
_QUESTION_WORDS = re.compile(get_phrases().alternation("question_fillers"))
_MONEY_WORDS = re.compile(get_phrases().alternation("money_ask"))
_PERCENT_WORDS = re.compile(get_phrases().alternation("percent_ask"))
# intents whose operands are figures of another kind than the result ('A占B' is asked as a share, its operands
# are money): the figure kind is not a constraint on their cited facts
_RESULT_INTENTS = ("share", "rate", "growth")


def topic_coverage(topic: str, printed_text: str) -> float:
    """Share of the topic's content characters (measure words and question words left out) printed in the
    fact's labels: '总收入' is not '其他收入' (总 is not printed), '处置非访突发性及群体性事件' is its row."""
    rest = list(topic or "")
    for a, b, _ in measure_spans(topic or ""):
        rest[a:b] = [""] * (b - a)
    content = _QUESTION_WORDS.sub("", norm("".join(rest)))
    chars = [c for c in content if "\u4e00" <= c <= "\u9fff"]
    if not chars:
        return 1.0
    label = norm(printed_text)
    return sum(1 for c in chars if c in label) / len(chars)


def figure_kind(fact: Fact) -> str:
    if fact.unit == "%":
        return "percent"
    return "money" if is_money_unit(fact.unit) else "count"


def asked_kind(pq: ParsedQuestion) -> str | None:
    """'count' for '多少辆/人次'; 'money' when a money unit is named, or an amount of money is asked ('预算',
    '资金', '经费'…) with no word of a rate or share; otherwise the question does not say."""
    if pq.count_unit:
        return "count"
    if pq.intent in _RESULT_INTENTS or pq.wants_text:
        return None
    if pq.unit and is_money_unit(pq.unit):
        return "money"
    money_asked = any(m not in ("执行率", "占比") for m in pq.measures) or _MONEY_WORDS.search(pq.text)
    return "money" if money_asked and not _PERCENT_WORDS.search(pq.text) else None


def _item_check(fact: Fact, pq: ParsedQuestion, items: list[str] | None) -> ConstraintCheck:
    found = fact.code or fact.item or fact_label(fact)
    if pq.codes:
        return ConstraintCheck("item", "、".join(pq.codes), found, code_matches(fact, pq.codes))
    items = answerable_items(pq, items)
    label = norm(f"{fact.row_label}{fact.column_label}{fact.statement}")
    if items:
        names = {fact.item, column_item(fact)}
        met = any(it in names for it in items)
        if not met:  # the item's own name or a synonym from the vocabulary printed in the labels
            voc = get_vocabulary()
            for it in items:
                entry = voc.item(it)
                words = [it, *(entry.synonyms if entry else ())]
                if any(len(norm(w)) >= 2 and norm(w) in label for w in words):
                    met = True
                    break
        return ConstraintCheck("item", "、".join(items), found, met)
    if pq.count_unit and fact.unit == pq.count_unit and shares_noun(pq.topic, fact.row_label, pq.count_unit):
        return ConstraintCheck("item", pq.topic, found, True)  # '几辆车' -> '车辆（台、辆）'
    if pq.topic:
        sim = max(similarity(pq.topic, fact.row_label), similarity(pq.topic, f"{fact.row_label}{fact.column_label}"))
        printed_text = f"{fact.row_label}{fact.column_label}{fact.statement}"
        if fact.table_index is None and fact.quote:
            sim = max(sim, similarity(pq.topic, fact.quote))
            printed_text += fact.quote
        met = sim >= MIN_LABEL_SIM and topic_coverage(pq.topic, printed_text) >= MIN_TOPIC_COVERAGE
        return ConstraintCheck("item", pq.topic, found, met)
    return ConstraintCheck("item", None, found, None)


def _measure_check(fact: Fact, pq: ParsedQuestion, doc_kind: str | None, operand: bool) -> ConstraintCheck:
    asked = [m for m in pq.measures if m not in ("执行率", "占比")] or (
        [default_measure(doc_kind)] if default_measure(doc_kind) else [])
    found = measure_name(fact.measure) if fact.measure else None
    if operand or (not asked and not pq.measures):
        return ConstraintCheck("measure", None, found, None)
    return ConstraintCheck("measure", "、".join(measure_name(m) for m in (asked or pq.measures)), found,
                           measure_allowed(fact, pq, doc_kind))


def check_fact(fact: Fact, pq: ParsedQuestion, org: str | None, year: int | None, doc_kind: str | None,
               citation: Citation, items: list[str] | None = None, operand: bool = False) -> FactMatch:
    """The question's constraints checked one by one against `fact` (read as organisation `org`, year `year`,
    from a document of kind `doc_kind`). `items` narrows the item constraint (one operand of a comparison).
    An `operand` of a computed answer (a difference, a rate, a figure derived from a stated change) is not
    itself the figure asked for: its year, measure and kind are shown, and checked on the result instead."""
    checks = [
        ConstraintCheck("org", "、".join(pq.orgs) or None, org, (org in pq.orgs) if pq.orgs else None),
        ConstraintCheck("year", "、".join(str(y) for y in pq.years) or None, str(year) if year else None,
                        (year in pq.years) if pq.years and not operand else None),
        _item_check(fact, pq, items),
        _measure_check(fact, pq, doc_kind, operand),
    ]
    want = None if operand else asked_kind(pq)
    kind = figure_kind(fact)
    met = None if want is None else (kind == want or (want == "money" and fact.blank))
    checks.append(ConstraintCheck("kind", want, kind, met))
    checks.append(ConstraintCheck("doc_kind", pq.kind_hint, doc_kind,
                                  kind_allowed(doc_kind, pq) if pq.kind_hint else None))
    measure = measure_name(fact.measure) if fact.measure else None
    return FactMatch(fact.fact_id, org, year, fact_label(fact), printed(fact), measure, citation, checks)
