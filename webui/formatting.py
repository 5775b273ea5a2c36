"""Presentation of answers without Streamlit: status badges, citation titles, figure targets, chart data.

Answers are kept in the chat history as `Answer.to_json()` dicts, so every function here takes dicts.
"""
from __future__ import annotations

from dataclasses import asdict, is_dataclass
from decimal import Decimal
from typing import Any, Iterable

from budgetqa.webui.highlight import target_values, to_decimal

STATUS_LABELS = {
    "answered": "已回答",
    "not_found": "未披露 / 未找到",
    "refused": "无法回答",
    "ambiguous": "需要澄清",
}
MODE_LABELS = {"template": "模板回答", "llm": "大模型回答（数字已核对）", "llm_fallback": "大模型不可用，已改用模板回答"}


def as_dict(obj: Any) -> dict:
    """A Citation / Answer (dataclass, or anything with to_json) or a dict, as a plain dict."""
    if obj is None:
        return {}
    if isinstance(obj, dict):
        return obj
    if hasattr(obj, "to_json"):
        return obj.to_json()
    if is_dataclass(obj):
        return asdict(obj)
    raise TypeError(f"cannot present {type(obj).__name__}")


def citation_key(c: dict) -> tuple:
    return (c.get("doc"), c.get("page"), c.get("locator"), c.get("quote"))


def citation_title(c: dict, number: int | None = None) -> str:
    """'[1] 示例区信访局2021年部门预算.txt · 第3页 · 部门支出预算表 / 信访事务 / 项目支出'."""
    parts = [literal(c.get("doc") or "（未知文件）")]
    if c.get("page"):
        parts.append(f"第{c['page']}页")
    if c.get("locator"):
        parts.append(literal(c["locator"]))
    prefix = f"[{number}] " if number is not None else ""  # '[1] ' is no link: no '(' follows
    return prefix + " · ".join(parts)


def facts_for_citation(answer: dict, citation: dict) -> list[dict]:
    key = citation_key(citation)
    return [f for f in answer.get("facts") or [] if citation_key(as_dict(f.get("citation"))) == key]


def targets_for_citation(answer: dict, citation: dict) -> set[Decimal]:
    """Figures to mark inside one citation: the values of the facts it backs (none for a plain quote:
    marking numbers of the answer text would also mark ordinals and unrelated figures)."""
    return target_values(facts_for_citation(answer, citation))


def answer_markdown(text: str) -> str:
    """Answer text for st.markdown: line breaks kept (hard breaks), everything else literal (document text
    and file names in it may hold Markdown links/images or HTML: none is rendered, no image is loaded)."""
    lines = literal(text).split("\n")
    return "  \n".join(line.rstrip() for line in lines)


_INLINE_SPECIAL = set("\\`*_[]<>!$~|#")


def literal(text: Any) -> str:
    """Text from documents (names, quotes, locators, warnings) for Markdown-rendering places (markdown,
    captions, warnings, expander and button labels): links, images, HTML, emphasis and LaTeX neutralised,
    while '.', '-' and '(' stay as they are (figures read naturally in the Markdown source)."""
    return "".join("\\" + c if c in _INLINE_SPECIAL else c for c in str(text or ""))


_MD_SPECIAL = set("\\`*_{}[]()#+-.!|~<>$")


def escape_markdown(text: str) -> str:
    """User-typed text shown literally by st.markdown (no links, images, headings or LaTeX)."""
    return "".join("\\" + c if c in _MD_SPECIAL else c for c in text or "")


def show_computed(answer: dict) -> bool:
    """The arithmetic block is shown unless the answer text already prints it."""
    computed = (answer.get("computed") or "").strip()
    return bool(computed) and computed not in (answer.get("answer") or "")


def format_value(value: Any, unit: str | None) -> str:
    """An exact value as printed by the answer templates: no float rounding, thousands separators."""
    d = to_decimal(value)
    if d is None:
        return f"{value}{unit or ''}"
    text = f"{d:,f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text}{unit or ''}"


def _label(fact: dict, vary_org: bool, vary_year: bool, vary_item: bool) -> str:
    parts = []
    if vary_org:
        parts.append(fact.get("org") or "（未知机构）")
    if vary_year:
        parts.append(f"{fact.get('year')}年" if fact.get("year") else "（未知年度）")
    if vary_item or not parts:
        parts.append(fact.get("item") or "")
    return " ".join(p for p in parts if p)


def chart_rows(facts: Iterable[dict]) -> tuple[list[dict], str] | None:
    """Rows {label, item, value} and the unit for a bar chart, or None when a chart would not help.

    A chart is drawn when the answer has at least two facts for different organisations or years and all
    values share a unit (money compared in 万元).
    """
    facts = [f for f in facts if to_decimal(f.get("value")) is not None]
    keys = {(f.get("org"), f.get("year")) for f in facts}
    if len(facts) < 2 or len(keys) < 2:
        return None
    if all(to_decimal(f.get("value_wan")) is not None for f in facts):
        unit, pick = "万元", (lambda f: to_decimal(f.get("value_wan")))
    elif len({f.get("unit") or "" for f in facts}) == 1:
        unit, pick = facts[0].get("unit") or "", (lambda f: to_decimal(f.get("value")))
    else:
        return None
    vary_org = len({f.get("org") for f in facts}) > 1
    vary_year = len({f.get("year") for f in facts}) > 1
    vary_item = len({f.get("item") for f in facts}) > 1
    if vary_year:  # a trend reads left to right in time
        facts = sorted(facts, key=lambda f: (f.get("org") or "", f.get("year") or 0))
    rows = [
        {"label": _label(f, vary_org, vary_year, vary_item), "item": f.get("item") or "", "value": float(pick(f)),
         "text": format_value(pick(f), ""), "year": f.get("year"), "org": f.get("org") or ""}
        for f in facts
    ]
    return rows, unit


def follow_up_suggestions(answer: dict, years_by_org: dict[str, set[int]],
                          asked: set[tuple[str, int]] = frozenset()) -> list[str]:
    """'那2020年呢？' when the answered org also has a disclosure for the year before (or after) that the
    conversation has not asked about yet (`asked`: (org, year) pairs of earlier answers)."""
    facts = answer.get("facts") or []
    if answer.get("status") != "answered" or not facts:
        return []
    org, year = facts[0].get("org"), facts[0].get("year")
    if not org or not year or len({(f.get("org"), f.get("year")) for f in facts}) > 1:
        return []
    have = years_by_org.get(org, set())
    return [f"那{y}年呢？" for y in (year - 1, year + 1) if y in have and (org, y) not in asked][:1]


def answered_pairs(answers: Iterable[dict]) -> set[tuple[str, int]]:
    """(org, year) of every fact of the given answers."""
    return {(f.get("org"), f.get("year")) for a in answers for f in a.get("facts") or []}


SAMPLE_EXAMPLES = [
    "2021年示例区信访局信访专项经费是多少？",
    "示例区信访局“三公”经费是多少？",
    "2021年示例区商务委员会机关运行经费是多少？",
]


def example_questions(docs: Iterable[Any], limit: int = 3) -> list[str]:
    """Clickable questions for an empty chat: the sample ones on the sample corpus, else built from the
    stored documents (newest year first) so that they can be answered."""
    docs = [d for d in docs if getattr(d, "org", None) and getattr(d, "year", None)]
    orgs = {d.org for d in docs}
    if {"示例区信访局", "示例区商务委员会"} <= orgs or not docs:
        return SAMPLE_EXAMPLES[:limit]
    out: list[str] = []
    for d in sorted(docs, key=lambda d: (-d.year, d.org)):
        for q in (f"{d.year}年{d.org}“三公”经费是多少？", f"{d.year}年{d.org}机关运行经费是多少？"):
            if q not in out:
                out.append(q)
    return out[:limit]


def years_by_org(docs: Iterable[Any]) -> dict[str, set[int]]:
    out: dict[str, set[int]] = {}
    for d in docs:
        if getattr(d, "org", None) and getattr(d, "year", None):
            out.setdefault(d.org, set()).add(d.year)
    return out
