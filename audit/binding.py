"""How firmly a sentence figure is tied to its item: only firmly tied figures may prove a contradiction.

A narrative fact is *bound* when its label is printed right before its number ('基本支出171.7万元',
'“三公”经费预算安排32.78万元'), or, for a 类/款/项 paragraph, when the label carries the subject path and the
rest of the label sits right before the number ('…住房公积金（项）' + '2024年预算安排352.67万元'). Figures whose
item was inherited from a heading or an earlier clause ('全年预算为 52.00 万元'), or whose label is qualified
('增加2个三支一扶的人员经费14.07万元'), are not bound.
"""
from __future__ import annotations

import logging
import re
import unicodedata
from functools import lru_cache

from budgetqa.core.records import Fact

log = logging.getLogger(__name__)

_DROP = re.compile(r"[\s“”\"'‘’「」]+")
_GENERIC = re.compile(
    r"^(?:\d{4}年度?|当年|本年|全年|年初|年度|财政拨款|一般公共预算|预算安排|计划安排|共计安排|安排|预算数|预算|决算数|决算|"
    r"执行数|金额|总额|合计|共计|总计|为|是|达到|达|约|计|共|:|,)*$"
)
_QUALIFIED = re.compile(r"的|增加|减少|新增|增|减|追加|压减|主要原因|用于|其中[^:]*的")
_PATH_END = re.compile(r"\(项\)")
_CLAUSE_BREAK = "，。；;,\n"


def squash(text: str | None) -> str:
    """NFKC, without whitespace and quotes: '307.82\\n万元' -> '307.82万元', '（项）' -> '(项)'."""
    return _DROP.sub("", unicodedata.normalize("NFKC", text or ""))


def value_pos(f: Fact) -> tuple[str, int]:
    """(squashed quote, position of the fact's number in it) or (quote, -1)."""
    q = squash(f.quote)
    v = squash(f.value_text)
    digits = re.match(r"[-+]?[\d,.]+", v)
    pos = q.find(v) if v else -1
    if pos < 0 and digits:
        pos = q.find(digits.group(0))
    return q, pos


def clause_before(f: Fact, width: int = 40) -> str:
    """The (squashed) text before the fact's number, back to the previous clause break."""
    q, pos = value_pos(f)
    if pos < 0:
        return ""
    head = q[max(0, pos - width):pos]
    cut = max(head.rfind(c) for c in _CLAUSE_BREAK)
    return head[cut + 1:]


@lru_cache(maxsize=8192)
def _names(item: str) -> tuple[str, ...]:
    from budgetqa.core.vocabulary import get_vocabulary

    it = get_vocabulary().item(item)
    forms = [item] + (list(it.synonyms) if it else [])
    return tuple(sorted({squash(s) for s in forms if s}, key=len, reverse=True))


def bound(f: Fact) -> bool:
    """True for table facts, and for sentence facts firmly tied to their item (see the module doc)."""
    if f.statement != "narrative":
        return "表内未标单位" not in (f.locator or "")  # a unit guessed by extraction proves nothing
    if not f.item:
        return False
    q, pos = value_pos(f)
    if pos < 0:
        return False
    before = clause_before(f, width=60)
    if _PATH_END.search(squash(f.row_label)):  # a 类/款/项 line names the item (in this clause or the last one)
        rest = before[before.rfind("(项)") + 3:] if "(项)" in before else before
        return bool(_GENERIC.match(rest))
    for name in _names(f.item):
        at = before.rfind(name)
        if at < 0:
            continue
        between = before[at + len(name):]
        prefix = before[:at]
        return len(between) <= 10 and bool(_GENERIC.match(between)) and not _QUALIFIED.search(prefix)
    return False


def in_subject_paragraph(f: Fact) -> bool:
    """A sentence under a 类/款/项 heading ('1、一般公共服务支出（类）…（项）'): its totals are that line's."""
    loc = squash(f.locator)
    return f.statement == "narrative" and ("(项)" in loc or "(款)" in loc)
