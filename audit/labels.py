"""Reading printed labels for the checks: which item a row/column names, totals, scope, budget vs actual."""
from __future__ import annotations

import logging
import re
from functools import lru_cache

from budgetqa.core.records import Fact

from budgetqa.audit.binding import clause_before

log = logging.getLogger(__name__)

_SPLIT = re.compile(r"\s*(?:/|\||>|＞|-{1,2}|—|\n)\s*")
_TOTAL_KEYS = {"合计", "总计", "小计", "本年合计", "本年收入合计", "本年支出合计", "收入总计", "支出总计",
               "收入合计", "支出合计"}
_GP = ("一般公共预算", "财政拨款", "一般预算")
_FUND = ("政府性基金", "基金预算")
_SOE = ("国有资本经营",)
_BUDGET = re.compile(r"(年初预算|全年预算|调整预算|预算数|预算为|预算安排|预算执行数)")
_ACTUAL = re.compile(r"(决算|执行数|实际支出|支出数)")


@lru_cache(maxsize=4096)
def item_of_label(label: str | None) -> str | None:
    """Canonical item a printed row/column label names; header paths ('基本支出 / 人员经费') use the last level."""
    if not label:
        return None
    from budgetqa.core.vocabulary import get_vocabulary

    voc = get_vocabulary()
    hit = voc.match(label)
    if hit and hit.name != "合计":
        return hit.name
    parts = [p for p in _SPLIT.split(label) if p]
    for part in reversed(parts):  # '公务用车购置及运行费 / 小计' names the vehicle total
        hit = voc.match(part)
        if hit and hit.name != "合计":
            return hit.name
    return "合计" if is_total_label(label) or (parts and is_total_label(parts[-1])) else None


def norm(label: str | None) -> str:
    from budgetqa.core.vocabulary import normalize_label

    return normalize_label(label or "")


def is_total_label(label: str | None) -> bool:
    """A generic total ('合计', '总计', '小计', '本年支出合计'...) - not a named one like '人员经费合计'."""
    return norm(label) in _TOTAL_KEYS


def last_level(label: str | None) -> str:
    parts = [p for p in _SPLIT.split(label or "") if p]
    return parts[-1] if parts else ""


def _scope_in(text: str) -> str | None:
    if any(k in text for k in _FUND):
        return "fund"
    if any(k in text for k in _SOE):
        return "soe"
    if any(k in text for k in _GP):
        return "gp"
    return None


def scope_of_fact(f: Fact) -> str | None:
    """'gp', 'fund', 'soe' or None, from the column, the table and the label (narrative: words before the number)."""
    if f.item in ("三公经费", "因公出国（境）费", "公务接待费", "公务用车购置及运行维护费", "公务用车购置费",
                  "公务用车运行维护费", "机关运行经费"):
        return None  # by definition financed by 财政拨款: no other scope exists
    if f.statement == "narrative":
        return _scope_in(clause_before(f))
    col = _scope_in(f.column_label or "")
    if col:
        return col
    return _scope_in(f"{f.statement or ''} {table_title(f)}")


def table_title(f: Fact) -> str:
    """The table title part of a table fact's locator ('三公经费表 / 合计 / 预算数' -> '三公经费表')."""
    loc = f.locator or ""
    return _SPLIT.split(loc)[0] if loc else ""


def measure_of_fact(f: Fact) -> str | None:
    """'budget' or 'actual' for figures of 决算 documents, from the column or the words before the number."""
    text = f.column_label if f.statement != "narrative" else clause_before(f)
    text = text or ""
    b, a = _BUDGET.search(text), _ACTUAL.search(text)
    if b and a:
        return "budget" if b.start() > a.start() else "actual"
    if b:
        return "budget"
    if a:
        return "actual"
    if f.statement != "narrative" and ("决算" in (f.statement or "") or "决算" in table_title(f)):
        return "actual"  # a 决算 table column without '预算' in its header is the actual figure
    return None


_DECREASE = re.compile(r"(减少|下降|降低|减|降|压减|缩减|少)\s*$")


def change_sign(f: Fact) -> int:
    """-1 for a decrease (negative value or 减少/下降 printed before the number), else 1."""
    return -1 if (f.value < 0 or _DECREASE.search(clause_before(f, width=12))) else 1
