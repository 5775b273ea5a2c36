"""The roles of the items a question names, read from their places in the question: a part named inside a
whole ('基本支出里的津贴补贴', '机关运行经费中，公务用车运行维护费…') asks for the part; in a share, the item
before 占 is the part and the item after it (else the whole it was named in) is the whole.

    contained(pq)   -> ('基本支出', '津贴补贴')  (whole, part) or None
    share_roles(pq) -> ('公务用车运行维护费', '机关运行经费')  (numerator, denominator) or None
"""
from __future__ import annotations

import re

from budgetqa.answering.question import ParsedQuestion

from budgetqa.core.vocabulary import get_vocabulary

# the words between a whole and a part named inside it ('里的', '中', '当中，', '其中')
_INSIDE = re.compile(r"\s*(?:里面?|中|当中|之中|内|其中)(?:的)?\s*[，,：:]?\s*(?:其中)?[，,：:]?\s*")


def item_spans(pq: ParsedQuestion) -> list[tuple[str, int, int]]:
    """(item, start, end) of each of the question's items where the question names it, in order."""
    voc = get_vocabulary()
    if voc is None:
        return []
    seen: set[str] = set()
    out = []
    for item, start, end in voc.find_items(pq.text):
        if item.name in pq.items and item.name not in seen:
            seen.add(item.name)
            out.append((item.name, start, end))
    return out


def contained(pq: ParsedQuestion) -> tuple[str, str] | None:
    """(whole, part) when the question names one item right inside another ('A里的B', 'A中B', 'A中，B')."""
    spans = item_spans(pq)
    for (whole, _, end), (part, start, _) in zip(spans, spans[1:]):
        if _INSIDE.fullmatch(pq.text[end:start]):
            return whole, part
    return None


def share_roles(pq: ParsedQuestion) -> tuple[str, str] | None:
    """(numerator, denominator) of '…B占A的比例' / 'A中，B占多少': the item just before 占 over the item just
    after it, else over the whole the part was named in."""
    at = pq.text.find("占")
    spans = item_spans(pq)
    if at < 0 or len(spans) < 2:
        return None
    before = [s for s in spans if s[2] <= at]
    after = [s for s in spans if s[1] > at]
    if before and after:
        return before[-1][0], after[0][0]
    inside = contained(pq)
    if before and inside and inside[1] == before[-1][0]:
        return inside[1], inside[0]
    return None
