"""Training data of the ranking weights: every ranking the engine makes while answering a labelled question,
with each candidate fact labelled right (its value is the gold figure, or an operand the gold note names, in
the gold document and on a gold page) or wrong.

    groups = collect_groups(engine, items, set_name="dev.jsonl")

Only lookup / compare items with a gold value label anything; a ranking teaches something only when it holds
both a right and a wrong candidate. Identical rankings made again while answering one question count once.
"""
from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from budgetqa.answering.features import Candidate
from budgetqa.answering.select import RECORDER
from budgetqa.core.records import Fact
from budgetqa.evaluation.checks import convert, to_decimal

log = logging.getLogger(__name__)

_OPERAND = re.compile(r"【\s*([-−]?\d[\d,]*(?:\.\d+)?)\s*】")
LABELLED_KINDS = ("lookup", "compare")


@dataclass(frozen=True)
class Group:
    """One ranking: the candidates' feature vectors, which are right, and the order ties fall in."""
    question_id: str
    set_name: str
    vectors: tuple[tuple[float, ...], ...]
    labels: tuple[bool, ...]
    ties: tuple[tuple, ...]  # (narrative, page, table, row, fact id): the rank order among equal scores

    @property
    def informative(self) -> bool:
        return any(self.labels) and not all(self.labels)


@dataclass(frozen=True)
class Target:
    """What a right candidate looks like for one item."""
    values: tuple[Decimal, ...]  # the gold figure, in `unit`
    operands: tuple[Decimal, ...]  # figures the gold note computes it from, as printed
    unit: str
    doc: str | None
    pages: tuple[int, ...]
    signless: bool


def target_of(item: dict) -> Target | None:
    gold = item.get("gold") or {}
    if item.get("kind") not in LABELLED_KINDS or "value" not in gold:
        return None
    value = to_decimal(gold["value"])
    operands = [to_decimal(v) for v in _OPERAND.findall(item.get("note") or "")] if item.get("kind") == "compare" else []
    if value is None:
        return None
    return Target((value,), tuple(v for v in operands if v is not None), gold.get("unit") or "", item.get("doc"),
                  tuple(item.get("pages") or ()), item.get("kind") == "compare")


def _matches(value: Decimal, gold: Decimal, signless: bool) -> bool:
    exp = gold.as_tuple().exponent
    places = Decimal(1).scaleb(exp if isinstance(exp, int) and exp < 0 else 0)
    got = value.quantize(places, rounding=ROUND_HALF_UP)
    return abs(got) == abs(gold) if signless else got == gold


def is_right(fact: Fact, target: Target, doc_name: str | None) -> bool:
    if fact.blank:
        return False
    if target.doc and doc_name != target.doc:
        return False
    value = convert(fact.value, fact.unit or "", target.unit)
    if value is not None and any(_matches(value, g, target.signless) for g in target.values):
        return True
    printed = [v for v in (fact.value, fact.value_wan) if v is not None]
    return any(_matches(v, g, True) for v in printed for g in target.operands)


def _tie(c: Candidate) -> tuple:
    f = c.fact
    return (f.table_index is None, f.page or 0, f.table_index if f.table_index is not None else 999, f.row_index or 0, f.fact_id or 0)


def collect_groups(engine, items: Iterable[dict], set_name: str,
                   on_item: Callable[[dict], None] | None = None) -> list[Group]:
    """Ask every labelled question once (fresh conversation) and keep its informative rankings."""
    doc_names = engine.store.doc_names()
    groups: list[Group] = []
    for item in items:
        target = target_of(item)
        if target is not None:
            groups.extend(_item_groups(engine, item, target, set_name, doc_names))
        if on_item:
            on_item(item)
    return groups


def _item_groups(engine, item: dict, target: Target, set_name: str, doc_names: dict) -> list[Group]:
    calls: list = []
    token = RECORDER.set(calls)
    try:
        engine.ask(item["question"])
    except Exception:  # noqa: BLE001 - a crash is the eval's to report; the rankings made so far still count
        log.exception("refit: asking %s crashed", item.get("id"))
    finally:
        RECORDER.reset(token)
    seen: set = set()
    out: list[Group] = []
    for _pq, _items, _period, cands in calls:
        labels = tuple(is_right(c.fact, target, doc_names.get(c.fact.doc_id)) for c in cands)
        group = Group(item.get("id", "?"), set_name, tuple(c.features.vector() for c in cands), labels,
                      tuple(_tie(c) for c in cands))
        key = (group.vectors, group.labels, group.ties)
        if group.informative and key not in seen:
            seen.add(key)
            out.append(group)
    return out
