"""Checks of one answer against its gold item: the figure in the gold unit, the citation, and which figures an
answer asserts as its own (its computed result, its facts, or figures printed outside the quotes)."""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from budgetqa.core.numbers import find_numbers
from budgetqa.core.units import MONEY_UNIT_RE, convert_money, is_money_unit

TOLERANCE = Decimal("0.005")  # relative: 0.5%
_NUMBER = re.compile(r"[-−]?\d[\d,]*(?:\.\d+)?")
_PLACES = re.compile(r"（《[^）]*）|《[^》]*》")  # where a quote comes from: '（《a.pdf》第7页，…）'

Figure = tuple[Decimal, str]  # (value, unit)


def to_decimal(x) -> Decimal | None:
    try:
        return Decimal(str(x).replace(",", "").replace("−", "-"))
    except (InvalidOperation, ValueError):
        return None


def plain(value: Decimal) -> str:
    """'53.8700' -> '53.87', '7' -> '7'."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def close(a: Decimal, b: Decimal) -> bool:
    if b == 0:
        return a == 0
    return abs(a - b) <= abs(b) * TOLERANCE


def convert(value: Decimal | None, funit: str, unit: str) -> Decimal | None:
    """A value in `funit` expressed in `unit`; None when the units measure different things (万元 vs 辆, %)."""
    if value is None:
        return None
    if is_money_unit(unit) and is_money_unit(funit):
        return convert_money(value, funit, unit)
    if funit in (unit, "") or not unit:
        return value
    return None


def computed_result(answer) -> Figure | None:
    """The result of a computed answer: the number after the last '=' of `Answer.computed`."""
    if not answer.computed or "=" not in answer.computed:
        return None
    tail = answer.computed.rsplit("=", 1)[1]
    m = _NUMBER.search(tail)
    if not m:
        return None
    money = re.search(MONEY_UNIT_RE, tail)
    unit = "%" if "%" in tail else (money.group(0) if money else "")
    value = to_decimal(m.group(0))
    return (value, unit) if value is not None else None


def asserted_figures(answer) -> tuple[list[Figure], bool]:
    """(figures, primary): the figures an answer asserts as its own. `primary` is True when they are its computed
    result or its facts (the one of the gold's measure answers, see `answer_figure`); False for figures with a unit printed in the
    answer text outside the quotes. Numbers merely quoted from a citation, and notices such as audit warnings,
    assert nothing."""
    result = computed_result(answer)
    if result is not None:
        return [result], True
    facts = [(to_decimal(f.value), f.unit or "") for f in answer.facts or []]
    facts = [(v, u) for v, u in facts if v is not None]
    if facts:
        return facts, True
    text = answer.answer or ""
    for note in answer.notices or []:
        text = text.replace(note, " ")
    text = _PLACES.sub(" ", without_quotes(text))
    return [(n.value, n.unit) for n in find_numbers(text) if n.unit and n.kind != "year"], False


def without_quotes(text: str) -> str:
    """The text outside “…” quotes; quotes may nest (a quoted sentence naming “三公”经费)."""
    out, depth = [], 0
    for ch in text:
        if ch == "“":
            depth += 1
        elif ch == "”" and depth:
            depth -= 1
        elif not depth:
            out.append(ch)
    return "".join(out)


def answer_figure(figures: list[Figure], unit: str) -> Figure:
    """The figure that answers for the gold unit: the first of the same measure (a share among money facts),
    else the first."""
    return next((f for f in figures if convert(f[0], f[1], unit) is not None), figures[0])


def matches_gold(figures: list[Figure], primary: bool, gold: dict, signless: bool) -> bool:
    """The answer's figure equals the gold figure in the gold unit (the first figure when it is the answer's own
    figure, any of them when they are figures printed in its text)."""
    want = to_decimal(gold.get("value"))
    if want is None:
        return False
    for value, unit in [answer_figure(figures, gold.get("unit", ""))] if primary else figures:
        got = convert(value, unit, gold.get("unit", ""))
        if got is not None and (close(abs(got), abs(want)) if signless else close(got, want)):
            return True
    return False


def check_citation(answer, item: dict) -> bool:
    """The first citation's document is the gold document, its page among the gold pages when given."""
    if not answer.citations:
        return False
    c = answer.citations[0]
    if c.doc != item["doc"]:
        return False
    pages = item.get("pages")
    return not pages or c.page in pages


def check_value(answer, gold: dict, signless: bool = False) -> tuple[bool, str]:
    """lookup / compare: gold.text contained, gold.keywords present, the figure in the gold unit within 0.5%
    (the computed result, else the first fact of the gold's measure, else the gold figure printed in a quoted
    answer)."""
    if answer.status != "answered":
        return False, f"状态 {answer.status}"
    text = answer.answer
    if "text" in gold and gold["text"] not in text:
        return False, f"答案中没有“{gold['text']}”"
    missing = [k for k in gold.get("keywords", []) if k not in text]
    if missing:
        return False, f"缺少关键词：{'、'.join(missing)}"
    if "value" not in gold:
        return True, ""
    want = to_decimal(gold["value"])
    unit = gold.get("unit", "")
    result = computed_result(answer)
    if result is not None:
        got = convert(result[0], result[1], unit)
        if got is not None and (close(abs(got), abs(want)) if signless else close(got, want)):
            return True, ""
        return False, f"计算结果 {result[0]}{result[1]}，应为 {gold['value']}{unit}"
    facts = [(to_decimal(f.value), f.unit or "") for f in answer.facts or []]
    facts = [(v, u) for v, u in facts if v is not None]
    if facts:
        value, funit = answer_figure(facts, unit)
        got = convert(value, funit, unit)
        if got is not None and signless:
            got, want = abs(got), abs(want)
        if got is not None and close(got, want):
            return True, ""
        return False, f"数值 {plain(value)}{funit}，应为 {gold['value']}{unit}"
    # a quoted answer: the gold figure printed in the text
    for m in _NUMBER.finditer(text):
        got = to_decimal(m.group(0))
        if got is not None and got == want:
            return True, ""
    return False, f"答案中没有 {gold['value']}{unit}"
