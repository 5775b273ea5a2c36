"""Find the cited figures inside a quote and mark them (<mark>) as HTML, escaping everything else."""
from __future__ import annotations

import html
from decimal import Decimal, InvalidOperation
from typing import Iterable

from budgetqa.core.numbers import ARABIC_NUMBER
from budgetqa.core.units import convert_money

NUMBER_RE = ARABIC_NUMBER  # an Arabic number as printed, group 1 (also searched in page images)
_FULL_WIDTH = str.maketrans("０１２３４５６７８９．", "0123456789.")


def to_decimal(text: str | int | float | Decimal | None) -> Decimal | None:
    """A printed number ('37,151,500.00', '80', Decimal) as Decimal; None when it is not one."""
    if text is None:
        return None
    if isinstance(text, Decimal):
        return text
    s = str(text).translate(_FULL_WIDTH).replace(",", "").strip()
    try:
        return Decimal(s)
    except (InvalidOperation, ValueError):
        return None


def target_values(facts: Iterable[dict] = ()) -> set[Decimal]:
    """The values worth marking for some facts: each printed value and its 万元/元 forms, unsigned (a
    decrease is printed as '减少8.6万元', not '-8.6')."""
    targets: set[Decimal] = set()
    for fact in facts:
        for key in ("value", "value_wan"):
            v = to_decimal(fact.get(key))
            if v is not None:
                targets.add(abs(v))
        wan = to_decimal(fact.get("value_wan"))
        if wan is not None:
            targets.add(abs(convert_money(wan, "万元", "元")))  # the same money printed in 元
    return targets


def same_value(a: Decimal, b: Decimal) -> bool:
    return a.compare(b) == 0


def matches(token: str, targets: set[Decimal]) -> bool:
    value = to_decimal(token)
    return value is not None and any(same_value(value, t) for t in targets)


def highlight_html(quote: str, targets: set[Decimal]) -> str:
    """The quote as safe HTML with every number equal to a target wrapped in <mark>; newlines kept."""
    out, pos = [], 0
    for m in NUMBER_RE.finditer(quote.translate(_FULL_WIDTH)):
        if not matches(m.group(1), targets):
            continue
        out.append(html.escape(quote[pos:m.start()]))
        out.append(f"<mark>{html.escape(quote[m.start():m.end()])}</mark>")
        pos = m.end()
    out.append(html.escape(quote[pos:]))
    return "".join(out).replace("\n", "<br>")


def has_match(quote: str, targets: set[Decimal]) -> bool:
    return any(matches(m.group(1), targets) for m in NUMBER_RE.finditer(quote.translate(_FULL_WIDTH)))
