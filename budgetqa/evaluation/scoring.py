"""Evaluation over JSONL question sets: per kind, how many answers are right, assert a wrong figure, or abstain.

Item format (one JSON object per line):
    {"id": "dev-001", "doc": "000_x.txt" | null, "kind": "lookup", "question": "...",
     "gold": {"value": 11.06, "unit": "万元", "value_wan": 11.06, "text": "...", "keywords": [...],
              "items": [...], "abstain": true}, "pages": [7, 9], "note": "where the gold comes from"}

Kinds: lookup / compare (the figure in the gold unit within 0.5%, or printed exactly; gold.text contained;
gold.keywords all present), list (every gold item mentioned), narrative (keywords present), unanswerable
(status is not 'answered'), audit (checked by a function registered in `KIND_CHECKS`, else skipped).
Citation: the first citation's document is the gold document, and its page is among the gold pages if given.

Every item gets one outcome (`OUTCOMES`):
- right: the item's check passes;
- wrong: a figure is asserted that is not the gold figure (status 'answered' and the answer's own figure,
  i.e. its computed result, its facts, or a figure printed outside the quotes, differs from gold), or any
  figure is asserted on an unanswerable item;
- abstained: status is not 'answered' (not_found / ambiguous / refused) on an answerable item;
- other: answered, no wrong figure, but the check fails (an item missing from a list, a keyword missing,
  an unanswerable item answered with quotes only);
- error: asking crashed; unscored: no checker for the kind.

    from budgetqa.evaluation import format_reports, load_items, run_eval
    report = run_eval(engine, load_items("dev.jsonl"), name="dev.jsonl")
    print(format_reports([report]))
"""
from __future__ import annotations

import json
import logging
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from budgetqa.evaluation.checks import Figure, asserted_figures, check_citation, check_value, matches_gold, plain

log = logging.getLogger(__name__)

OUTCOMES = ("right", "wrong", "abstained", "other", "error", "unscored")

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
    outcome: str = "unscored"  # one of OUTCOMES
    asserted: list[str] = field(default_factory=list)  # the figures the answer asserts, e.g. ['53.87万元']


@dataclass
class EvalReport:
    results: list[ItemResult] = field(default_factory=list)
    name: str = ""  # the set, e.g. 'dev.jsonl'

    def by_kind(self) -> dict[str, tuple[int, int]]:
        out: dict[str, tuple[int, int]] = {}
        for r in self.results:
            if r.ok is None:
                continue
            n, k = out.get(r.kind, (0, 0))
            out[r.kind] = (n + 1, k + int(r.ok))
        return dict(sorted(out.items()))

    def outcomes(self, kind: str | None = None) -> dict[str, int]:
        """{outcome: count} over all items, or over the items of one kind; every outcome present."""
        counts = Counter(r.outcome for r in self.results if kind is None or r.kind == kind)
        return {o: counts.get(o, 0) for o in OUTCOMES}

    def outcomes_by_kind(self) -> dict[str, dict[str, int]]:
        return {kind: self.outcomes(kind) for kind in sorted({r.kind for r in self.results})}

    def of(self, outcome: str) -> list[ItemResult]:
        return [r for r in self.results if r.outcome == outcome]

    @property
    def accuracy(self) -> tuple[int, int]:
        scored = [r for r in self.results if r.ok is not None]
        return len(scored), sum(1 for r in scored if r.ok)

    @property
    def right_rate(self) -> float:
        n, k = self.accuracy
        return k / n if n else 0.0

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
            "name": self.name,
            "accuracy": {"n": n, "correct": k},
            "outcomes": self.outcomes(),
            "by_kind": {kind: {"n": a, "correct": b, **self.outcomes(kind)} for kind, (a, b) in self.by_kind().items()},
            "citation": {"n": cn, "correct": ck},
            "abstention": {"n": an, "correct": ak},
            "false_abstentions": [r.id for r in self.false_abstentions],
            "results": [asdict(r) for r in self.results],
        }


def merge_reports(reports: Iterable[EvalReport], name: str = "合计") -> EvalReport:
    return EvalReport(results=[r for rep in reports for r in rep.results], name=name)


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


def run_eval(engine, items: Iterable[dict], on_item: Callable[[ItemResult], None] | None = None,
             name: str = "") -> EvalReport:
    """Ask every question (each in a fresh conversation) and score the answers."""
    report = EvalReport(name=name)
    for item in items:
        try:
            answer = engine.ask(item["question"])
        except Exception as exc:  # noqa: BLE001 - one crash is one failed item, not a failed run
            log.exception("eval item %s crashed", item.get("id"))
            result = ItemResult(item.get("id", "?"), item.get("kind", "?"), item["question"], "error", False,
                                f"异常：{type(exc).__name__}: {exc}", outcome="error")
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
        res.ok, res.reason = check_value(answer, gold, signless=kind == "compare")
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
        res.citation_ok = check_citation(answer, item)
    figures, primary = asserted_figures(answer) if answer.status == "answered" else ([], True)
    res.asserted = [f"{plain(v)}{u}" for v, u in figures]
    res.outcome = _outcome(res, figures, primary, item)
    return res


def _outcome(res: ItemResult, figures: list[Figure], primary: bool, item: dict) -> str:
    if res.ok is None:
        return "unscored"
    if res.ok:
        return "right"
    kind, gold = item.get("kind", "lookup"), item.get("gold") or {}
    if res.status != "answered":
        return "abstained" if kind != "unanswerable" else "other"
    if kind == "unanswerable":
        return "wrong" if figures else "other"
    if "value" in gold and figures and not matches_gold(figures, primary, gold, signless=kind == "compare"):
        return "wrong"
    return "other"
