"""What a figure measures (预算数 / 年初预算数 / 调整预算数 / 决算数 / 上年执行数 / 增减额 / 增减率 / 执行率 …),
from a data table (`budgetqa/core/data/measures.yaml`) shared by fact extraction and question parsing.

    measure_of_fact(column_label, sentence_head, period, doc_kind)  -> '决算数'
    measures_in_question('…支出决算比年初预算少了多少')              -> ['决算数', '年初预算数'] (in order of mention)
    accepts('预算数', '上年预算数')                                  -> True (a 2025 budget's 2024 column)
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml

from budgetqa.core.errors import ConfigError


RATE_MEASURES = ("执行率", "占比", "增减率")  # measures of percentages


@dataclass(frozen=True)
class Measure:
    id: str
    name: str
    header: tuple[re.Pattern, ...]
    question: tuple[re.Pattern, ...]
    accepts: frozenset[str]
    base: str | None  # the measure of the value's own year ('上年预算数' -> '预算数'); itself for current ones


@dataclass(frozen=True)
class MeasureTable:
    measures: dict[str, Measure]
    order: tuple[str, ...]  # header matching order (most specific first)
    default_by_kind: dict[str, str]
    previous_by_measure: dict[str, str]
    not_measures: re.Pattern | None = None
    disclosed_by: dict[str, tuple[str, ...]] | None = None

    def clean(self, text: str) -> str:
        """`text` with the words that hold a measure word but name no measure blanked out (same length)."""
        if not text or self.not_measures is None:
            return text or ""
        return self.not_measures.sub(lambda m: "　" * len(m.group()), text)


def _compile(patterns: list[str], where: str) -> tuple[re.Pattern, ...]:
    try:
        return tuple(re.compile(p) for p in patterns or [])
    except re.error as exc:
        raise ConfigError(f"measures.yaml: bad pattern in {where}: {exc}") from exc


@lru_cache(maxsize=1)
def table() -> MeasureTable:
    raw = yaml.safe_load(resources.files("budgetqa.core").joinpath("data/measures.yaml").read_text(encoding="utf-8"))
    measures: dict[str, Measure] = {}
    for m in raw["measures"]:
        measures[m["id"]] = Measure(m["id"], m.get("name", m["id"]), _compile(m.get("header"), m["id"]),
                                    _compile(m.get("question"), m["id"]), frozenset(m.get("accepts") or [m["id"]]),
                                    m["base"] if "base" in m else m["id"])
    unknown = {a for m in measures.values() for a in [*m.accepts, *([m.base] if m.base else [])]} - set(measures)
    if unknown:
        raise ConfigError(f"measures.yaml: accepts names unknown measures {sorted(unknown)}")
    words = sorted(raw.get("not_measures") or [], key=len, reverse=True)
    return MeasureTable(measures, tuple(m["id"] for m in raw["measures"]), dict(raw.get("default_by_kind") or {}),
                        dict(raw.get("previous_by_measure") or {}),
                        re.compile("|".join(map(re.escape, words))) if words else None,
                        {k: tuple(v) for k, v in (raw.get("disclosed_by") or {}).items()})


def _kind_key(doc_kind: str | None) -> str | None:
    if not doc_kind:
        return None
    return "决算" if "决算" in doc_kind else ("预算" if "预算" in doc_kind else None)


def header_measure(text: str) -> str | None:
    """The measure a column header (or the words before a figure) names, most specific first."""
    t = table()
    text = t.clean(text)
    for mid in t.order:
        if any(p.search(text) for p in t.measures[mid].header):
            return mid
    return None


def measure_of_fact(column_label: str, head: str, period: str, doc_kind: str | None) -> str | None:
    """The measure of a figure: its header (or, for sentences, the words before it), its period, and the
    document kind for a current-year figure nothing names. None when it cannot be told."""
    t = table()
    if period == "change_pct":
        return "增减率"
    if period == "change":
        return "增减额"
    named = header_measure(column_label) or (header_measure(head) if head else None)
    if named in ("增减率", "增减额") and period == "current" and not column_label:
        named = None  # a sentence's change words belong to another figure of it
    if period == "previous":
        return t.previous_by_measure.get(named or "", "上年数")
    if named == "执行数" and _kind_key(doc_kind) == "决算":
        return "决算数"
    if named:
        return named
    return t.default_by_kind.get(_kind_key(doc_kind) or "")


def measures_in_question(text: str) -> list[str]:
    """Measures the question names, in order of mention (a measure counted once)."""
    out: list[str] = []
    for _, _, mid in measure_spans(text):
        if mid not in out:
            out.append(mid)
    return out


def measure_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, measure) of each measure named in a question, in order; a word inside a longer match
    counts once ('年初预算' is not also '预算')."""
    t = table()
    text = t.clean(text)
    hits: list[tuple[int, int, str]] = []
    for mid in t.order:
        for p in t.measures[mid].question:
            for m in p.finditer(text):
                hits.append((m.start(), -(m.end() - m.start()), mid))
    hits.sort()
    out: list[tuple[int, int, str]] = []
    for start, neg_len, mid in hits:
        end = start - neg_len
        if any(a < end and start < b for a, b, _ in out):
            continue
        out.append((start, end, mid))
    return out


def base(fact_measure: str | None) -> str | None:
    """The measure of the value's own year: '上年预算数' (a 2025 budget's 2024 column) -> '预算数'."""
    m = table().measures.get(fact_measure or "")
    return m.base if m else None


def accepts(asked: str, fact_measure: str | None) -> bool:
    """A fact of `fact_measure` answers a question asking for `asked` (a fact whose measure is not told, such
    as a bare previous-year column, is not refused on this ground)."""
    m = table().measures.get(asked)
    if m is None or fact_measure is None:
        return True
    b = base(fact_measure)
    return b is None or b in m.accepts


def default_measure(doc_kind: str | None) -> str | None:
    """The measure a question naming none asks of a document of this kind."""
    return table().default_by_kind.get(_kind_key(doc_kind) or "")


def measure_name(mid: str | None) -> str:
    m = table().measures.get(mid or "")
    return m.name if m else (mid or "")


def is_previous(mid: str | None) -> bool:
    """A previous-year measure (the value belongs to the year before the document's)."""
    m = table().measures.get(mid or "")
    return bool(m) and m.base != m.id


def disclosed_by(asked: str) -> tuple[str, ...]:
    """The document kinds ('决算') that alone print the measure `asked`; () when any document may."""
    return (table().disclosed_by or {}).get(asked, ())
