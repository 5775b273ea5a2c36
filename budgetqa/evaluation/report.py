"""The eval report as the user reads it (Chinese): a block per set with right / wrong figure / abstained per
kind, citation and abstention accuracy, then a total over the sets; `--show` lists the items of one outcome
with the answer given. `reports_json` is the machine-readable form (`budgetqa eval --json`)."""
from __future__ import annotations

import re
import unicodedata

from budgetqa.evaluation.scoring import EvalReport, ItemResult, merge_reports

OUTCOME_NAMES = {"right": "正确", "wrong": "错误数字", "abstained": "未作答", "other": "其他不符", "error": "异常",
                 "unscored": "未评分"}
SHOW_CHOICES = ("wrong", "abstained", "other", "error", "failed", "all")  # 'failed' = every item not right
_COLUMNS = ("right", "wrong", "abstained", "other")
_SNIPPET = 160  # characters of an answer shown per listed item


def _pct(k: int, n: int) -> str:
    return f"{k}/{n}（{k / n:.0%}）" if n else f"{k}/{n}"


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _cell(text, width: int, left: bool = False) -> str:
    """Padded to a display width (a Chinese character takes two columns)."""
    pad = " " * max(0, width - _width(str(text)))
    return f"{text}{pad}" if left else f"{pad}{text}"


def _row(label: str, counts: dict[str, int]) -> str:
    n = sum(counts.values())
    cells = "".join(_cell(counts[o], 10) for o in _COLUMNS)
    extra = "".join(f"  {OUTCOME_NAMES[o]} {counts[o]}" for o in ("error", "unscored") if counts.get(o))
    return f"  {_cell(label, 13, left=True)}{_cell(n, 6)}{cells}{extra}"


def format_report(report: EvalReport, show: str | None = None) -> str:
    """One set: the per-kind table, right rate, citation and abstention accuracy, the ids of wrong and
    abstained items, and (with `show`) the listed items."""
    title = report.name or "评测集"
    lines = [f"== {title}（{len(report.results)} 题）==",
             f"  {_cell('类型', 13, left=True)}{_cell('题数', 6)}" + "".join(_cell(OUTCOME_NAMES[o], 10) for o in _COLUMNS)]
    for kind, counts in report.outcomes_by_kind().items():
        lines.append(_row(kind, counts))
    lines.append(_row("合计", report.outcomes()))
    n, k = report.accuracy
    lines.append(f"正确率：{_pct(k, n)}")
    cn, ck = report.citation
    lines.append(f"引用正确率：{_pct(ck, cn)}（首条引用的文件与页码）")
    an, ak = report.abstention
    lines.append(f"拒答正确率：{_pct(ak, an)}")
    for outcome in ("wrong", "abstained", "error"):
        ids = [r.id for r in report.of(outcome)]
        if ids:
            lines.append(f"{OUTCOME_NAMES[outcome]}：" + "、".join(ids))
    if show:
        listed = _selected(report, show)
        lines.append(f"{_show_title(show)}（{len(listed)} 项）：" if listed else f"{_show_title(show)}：无")
        lines += [_item_lines(r) for r in listed]
    return "\n".join(lines)


def format_reports(reports: list[EvalReport], show: str | None = None) -> str:
    """A block per set, then the total over all sets (when there are several)."""
    blocks = [format_report(r, show) for r in reports]
    if len(reports) > 1:
        blocks.append(format_report(merge_reports(reports, "合计（全部评测集）")))
    return "\n\n".join(blocks)


def reports_json(reports: list[EvalReport]) -> dict:
    total = merge_reports(reports, "total").to_json()
    total.pop("results")
    return {"sets": [r.to_json() for r in reports], "total": total}


def _selected(report: EvalReport, show: str) -> list[ItemResult]:
    if show == "all":
        return list(report.results)
    if show == "failed":
        return [r for r in report.results if r.outcome != "right"]
    return report.of(show)


def _show_title(show: str) -> str:
    return {"all": "全部题目", "failed": "未答对的题目"}.get(show, f"{OUTCOME_NAMES.get(show, show)}的题目")


def _item_lines(r: ItemResult) -> str:
    why = r.reason or ("引用不符" if r.citation_ok is False else "")
    if r.citation_ok is False and r.reason:
        why += "；引用不符"
    asserted = f"；答案数字 {'、'.join(r.asserted)}" if r.asserted else ""
    snippet = re.sub(r"\s+", " ", r.answer)[:_SNIPPET]
    head = f"  [{r.id}] {OUTCOME_NAMES.get(r.outcome, r.outcome)} {r.kind} {r.question}"
    return f"{head}\n      {why or '—'}（{r.status}，引用 {r.citation or '无'}{asserted}）\n      答：{snippet}"
