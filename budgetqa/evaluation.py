"""Evaluation over a JSONL question set: per-kind accuracy, citation accuracy, abstention accuracy.

Item format (one JSON object per line):
    {"id": "dev-001", "doc": "000_x.txt" | null, "kind": "lookup", "question": "...",
     "gold": {"value": 11.06, "unit": "万元", "value_wan": 11.06, "text": "...", "keywords": [...],
              "items": [...], "abstain": true}, "pages": [7, 9]}

Kinds: lookup / compare (the figure in the gold unit within 0.5%, or printed exactly; gold.text contained;
gold.keywords all present), list (every gold item mentioned), narrative (keywords present), unanswerable
(status is not 'answered'), audit (checked by a function registered in `KIND_CHECKS`, else skipped).
Citation: the first citation's document is the gold document, and its page is among the gold pages if given.

    from budgetqa.evaluation import load_items, run_eval, format_report
    report = run_eval(engine, load_items("dev.jsonl"))
    print(format_report(report))
"""
from __future__ import annotations

import json
import logging
import re
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Callable, Iterable

log = logging.getLogger(__name__)

TOLERANCE = Decimal("0.005")  # relative: 0.5%
_MONEY = {"元": Decimal(1), "万元": Decimal(10000), "亿元": Decimal(100000000)}
_NUMBER = re.compile(r"[-−]?\d[\d,]*(?:\.\d+)?")

# kind -> check(answer, item) -> (ok: bool | None, reason: str). None = not scored (e.g. no checker yet).
KIND_CHECKS: dict[str, Callable] = {}


@dataclass
class ItemResult:
    id: str
    kind: str
    question: str
    status: str
    ok: bool | None
    reason: str = ""
    citation_ok: bool | None = None
    citation: str = ""
    answer: str = ""


@dataclass
class EvalReport:
    results: list[ItemResult] = field(default_factory=list)

    def by_kind(self) -> dict[str, tuple[int, int]]:
        out: dict[str, tuple[int, int]] = {}
        for r in self.results:
            if r.ok is None:
                continue
            n, k = out.get(r.kind, (0, 0))
            out[r.kind] = (n + 1, k + int(r.ok))
        return dict(sorted(out.items()))

    @property
    def accuracy(self) -> tuple[int, int]:
        scored = [r for r in self.results if r.ok is not None]
        return len(scored), sum(1 for r in scored if r.ok)

    @property
    def citation(self) -> tuple[int, int]:
        scored = [r for r in self.results if r.citation_ok is not None]
        return len(scored), sum(1 for r in scored if r.citation_ok)

    @property
    def abstention(self) -> tuple[int, int]:
        """(unanswerable items, correctly not answered)."""
        items = [r for r in self.results if r.kind == "unanswerable"]
        return len(items), sum(1 for r in items if r.status != "answered")

    @property
    def false_abstentions(self) -> list[ItemResult]:
        return [r for r in self.results if r.kind != "unanswerable" and r.status != "answered"]

    @property
    def failures(self) -> list[ItemResult]:
        return [r for r in self.results if r.ok is False or r.citation_ok is False]

    def to_json(self) -> dict:
        n, k = self.accuracy
        cn, ck = self.citation
        an, ak = self.abstention
        return {
            "accuracy": {"n": n, "correct": k},
            "by_kind": {kind: {"n": a, "correct": b} for kind, (a, b) in self.by_kind().items()},
            "citation": {"n": cn, "correct": ck},
            "abstention": {"n": an, "correct": ak},
            "false_abstentions": [r.id for r in self.false_abstentions],
            "results": [asdict(r) for r in self.results],
        }


def load_items(path: str | Path) -> list[dict]:
    items = []
    for i, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        line = line.strip()
        if line and not line.startswith("#"):
            try:
                items.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{i}: not JSON ({exc})") from None
    return items


def run_eval(engine, items: Iterable[dict], on_item: Callable[[ItemResult], None] | None = None) -> EvalReport:
    """Ask every question (each in a fresh conversation) and score the answers."""
    report = EvalReport()
    for item in items:
        try:
            answer = engine.ask(item["question"])
        except Exception as exc:  # noqa: BLE001 - one crash is one failed item, not a failed run
            log.exception("eval item %s crashed", item.get("id"))
            result = ItemResult(item.get("id", "?"), item.get("kind", "?"), item["question"], "error", False,
                                f"异常：{type(exc).__name__}: {exc}")
        else:
            result = score_item(answer, item)
        report.results.append(result)
        if on_item:
            on_item(result)
    return report


def score_item(answer, item: dict) -> ItemResult:
    kind = item.get("kind", "lookup")
    gold = item.get("gold") or {}
    first = answer.citations[0] if answer.citations else None
    res = ItemResult(item.get("id", "?"), kind, item["question"], answer.status, None, answer=answer.answer,
                     citation=f"{first.doc} p{first.page}" if first else "")
    if kind in KIND_CHECKS:
        res.ok, res.reason = KIND_CHECKS[kind](answer, item)
    elif kind == "unanswerable":
        res.ok = answer.status != "answered"
        res.reason = "" if res.ok else "应拒答却给出了答案"
    elif kind in ("lookup", "compare"):
        # a change asked as '减少了多少' is answered by its size; the direction is in the words
        res.ok, res.reason = _check_value(answer, gold, signless=kind == "compare")
    elif kind == "list":
        missing = [x for x in gold.get("items", []) if x not in answer.answer]
        res.ok = answer.status == "answered" and not missing
        res.reason = f"缺少：{'、'.join(missing)}" if missing else ("" if res.ok else f"状态 {answer.status}")
    elif kind == "narrative":
        missing = [k for k in gold.get("keywords", []) if k not in answer.answer]
        res.ok = answer.status == "answered" and not missing
        res.reason = f"缺少关键词：{'、'.join(missing)}" if missing else ("" if res.ok else f"状态 {answer.status}")
    else:
        res.ok, res.reason = None, f"未评分（无 {kind} 检查器）"
    if item.get("doc") and kind != "unanswerable" and answer.status == "answered":
        res.citation_ok = _check_citation(answer, item)
    return res


def _check_citation(answer, item: dict) -> bool:
    if not answer.citations:
        return False
    c = answer.citations[0]
    if c.doc != item["doc"]:
        return False
    pages = item.get("pages")
    return not pages or c.page in pages


def _dec(x) -> Decimal | None:
    try:
        return Decimal(str(x).replace(",", "").replace("−", "-"))
    except (InvalidOperation, ValueError):
        return None


def _close(a: Decimal, b: Decimal) -> bool:
    if b == 0:
        return a == 0
    return abs(a - b) <= abs(b) * TOLERANCE


def _check_value(answer, gold: dict, signless: bool = False) -> tuple[bool, str]:
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
    want = _dec(gold["value"])
    unit = gold.get("unit", "")
    result = _computed_result(answer)
    if result is not None:
        got, runit = result
        got = _convert(got, runit, unit)
        if got is not None and (_close(abs(got), abs(want)) if signless else _close(got, want)):
            return True, ""
        return False, f"计算结果 {result[0]}{result[1]}，应为 {gold['value']}{unit}"
    facts = answer.facts[:1] if answer.facts else []
    for f in facts:
        got = _fact_in_unit(f, unit)
        if got is not None and signless:
            got, want = abs(got), abs(want)
        if got is not None and _close(got, want):
            return True, ""
    if facts:
        f = facts[0]
        return False, f"数值 {f.get('value')}{f.get('unit') or ''}，应为 {gold['value']}{unit}"
    # a quoted answer: the gold figure printed in the text
    for m in _NUMBER.finditer(text):
        got = _dec(m.group(0))
        if got is not None and got == want:
            return True, ""
    return False, f"答案中没有 {gold['value']}{unit}"


def _computed_result(answer) -> tuple[Decimal, str] | None:
    """The result of a computed answer: the number after the last '=' of `Answer.computed`."""
    if not answer.computed or "=" not in answer.computed:
        return None
    tail = answer.computed.rsplit("=", 1)[1]
    m = _NUMBER.search(tail)
    if not m:
        return None
    unit = "%" if "%" in tail else next((u for u in ("亿元", "万元", "元") if u in tail), "")
    value = _dec(m.group(0))
    return (value, unit) if value is not None else None


def _convert(value: Decimal, funit: str, unit: str) -> Decimal | None:
    if unit in _MONEY and funit in _MONEY:
        return value * _MONEY[funit] / _MONEY[unit]
    if funit in (unit, "") or not unit:
        return value
    return None


def _fact_in_unit(f: dict, unit: str) -> Decimal | None:
    value, funit = _dec(f.get("value")), f.get("unit") or ""
    if value is None:
        return None
    if unit in _MONEY and funit in _MONEY:
        return value * _MONEY[funit] / _MONEY[unit]
    if funit in (unit, "") or not unit:
        return value
    return None


def format_report(report: EvalReport, show_failures: bool = True) -> str:
    lines = []
    n, k = report.accuracy
    lines.append(f"总体正确率：{k}/{n}" + (f"（{k / n:.0%}）" if n else ""))
    for kind, (a, b) in report.by_kind().items():
        lines.append(f"  {kind:<13} {b}/{a}" + (f"（{b / a:.0%}）" if a else ""))
    cn, ck = report.citation
    lines.append(f"引用正确率：{ck}/{cn}" + (f"（{ck / cn:.0%}）" if cn else "") + "（首条引用的文件与页码）")
    an, ak = report.abstention
    lines.append(f"拒答正确率：{ak}/{an}" + (f"（{ak / an:.0%}）" if an else ""))
    fa = report.false_abstentions
    if fa:
        lines.append("可回答却未回答：" + "、".join(r.id for r in fa))
    skipped = [r for r in report.results if r.ok is None]
    if skipped:
        lines.append("未评分：" + "、".join(f"{r.id}（{r.reason}）" for r in skipped))
    if show_failures and report.failures:
        lines.append("失败项：")
        for r in report.failures:
            why = r.reason or ("引用不符" if r.citation_ok is False else "")
            if r.citation_ok is False and r.reason:
                why += "；引用不符"
            snippet = re.sub(r"\s+", " ", r.answer)[:80]
            lines.append(f"  [{r.id}] {r.kind} {r.question}\n      {why}（{r.status}，引用 {r.citation or '无'}）：{snippet}")
    return "\n".join(lines)
