"""Precision and recall of the audit over labelled cases (tests/data/audit_labels.yaml).

    python -m audit.measure [--labels FILE] [--verbose]

A prediction is a distinct (document, rule, item) among the findings; it is correct when the document's labels
expect that rule and item. Scores are given at three levels: 确定 only, 确定+疑似 (the contradictions) and all
findings including 提示. Documents labelled `expected: []` must stay clean.
"""
from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from audit.findings import Finding
from audit.rules import CERTAIN, NOTE, SUSPECTED

log = logging.getLogger(__name__)
REPO = Path(__file__).resolve().parents[1]
DEFAULT_LABELS = REPO / "tests" / "data" / "audit_labels.yaml"
LEVELS = {"确定": (CERTAIN,), "确定+疑似": (CERTAIN, SUSPECTED), "全部(含提示)": (CERTAIN, SUSPECTED, NOTE)}


@dataclass
class Case:
    name: str
    path: Path
    expected: list[dict]
    findings: list[Finding] = field(default_factory=list)


def load_cases(labels_path: Path, workdir: Path) -> list[Case]:
    data = yaml.safe_load(labels_path.read_text(encoding="utf-8"))
    root = Path(data.get("corpus", "."))
    root = root if root.is_absolute() else (REPO / root).resolve()
    cases = [Case(Path(d["path"]).name, root / d["path"], d.get("expected") or []) for d in data["documents"]]
    for m in data.get("mutations") or []:
        text = (root / m["source"]).read_text(encoding="utf-8")
        old, new = m["replace"]
        if text.count(old) != 1:
            raise ValueError(f"{m['name']}: {old!r} occurs {text.count(old)} times in {m['source']}")
        path = workdir / m["name"]
        path.write_text(text.replace(old, new), encoding="utf-8")
        cases.append(Case(m["name"], path, m.get("expected") or []))
    return cases


def audit_file(path: Path, settings) -> list[Finding]:
    from ingest.facts import extract_facts
    from ingest.loader import load_document

    from audit.runner import audit_document

    doc = load_document(path, settings)
    facts = extract_facts(doc)
    for i, f in enumerate(facts):
        f.fact_id = f.fact_id or i + 1
    return audit_document(doc, facts)


def _matches(pred: tuple[str, str | None], exp: dict) -> bool:
    return pred[0] == exp["rule"] and (exp.get("item") is None or str(exp["item"]) == (pred[1] or ""))


def score(cases: list[Case]) -> dict:
    """{level: {tp, fp, fn, precision, recall, false_positives, misses}}."""
    report = {}
    for level, severities in LEVELS.items():
        tp = fp = fn = 0
        fps, misses = [], []
        for c in cases:
            preds = sorted({(f.rule, f.item) for f in c.findings if f.severity in severities}, key=str)
            wanted = [e for e in c.expected if e.get("severity", CERTAIN) in severities]
            for p in preds:
                if any(_matches(p, e) for e in c.expected):
                    tp += 1
                else:
                    fp += 1
                    fps.append(f"{c.name}: {p[0]} / {p[1]}")
            for e in wanted:
                found = [p for p in preds if _matches(p, e)]
                if not found:
                    fn += 1
                    misses.append(f"{c.name}: {e['rule']} / {e.get('item')}")
        report[level] = {
            "tp": tp, "fp": fp, "fn": fn,
            "precision": tp / (tp + fp) if tp + fp else 1.0,
            "recall": (sum(1 for c in cases for e in c.expected if e.get("severity", CERTAIN) in severities) - fn)
            / max(1, sum(1 for c in cases for e in c.expected if e.get("severity", CERTAIN) in severities)),
            "false_positives": fps, "misses": misses,
        }
    return report


def _per_rule(cases: list[Case]) -> list[str]:
    out = []
    for rule in sorted({e["rule"] for c in cases for e in c.expected} | {f.rule for c in cases for f in c.findings}):
        preds = {(c.name, f.item) for c in cases for f in c.findings if f.rule == rule}
        exp = [(c.name, e) for c in cases for e in c.expected if e["rule"] == rule]
        tp = sum(1 for name, item in preds if any(n == name and _matches((rule, item), e) for n, e in exp))
        hit = sum(1 for name, e in exp if any(n == name and _matches((rule, i), e) for n, i in preds))
        out.append(f"{rule} {tp}/{len(preds)}预测正确、{hit}/{len(exp)}已找到")
    return out


def format_report(cases: list[Case], report: dict, seconds: float, verbose: bool = False) -> str:
    lines = [f"审核规则评测：{len(cases)} 个文件（{sum(1 for c in cases if not c.expected)} 个应无问题），用时 {seconds:.1f}s"]
    for level, r in report.items():
        lines.append(f"  {level:<10} precision {r['precision']:.2f}  recall {r['recall']:.2f}  "
                     f"(TP {r['tp']}, FP {r['fp']}, FN {r['fn']})")
    lines.append("  按规则（全部）：" + "；".join(_per_rule(cases)))
    final = report["全部(含提示)"]
    for title, rows in (("误报", final["false_positives"]), ("漏报", final["misses"])):
        if rows:
            lines.append(f"  {title}：")
            lines.extend(f"    - {r}" for r in rows)
    if verbose:
        for c in cases:
            lines.append(f"  == {c.name}")
            lines.extend(f"     [{f.severity}] {f.rule} / {f.item}: {f.message}" for f in c.findings)
    return "\n".join(lines)


def run(labels: Path = DEFAULT_LABELS, settings=None, verbose: bool = False) -> tuple[dict, str]:
    from budgetqa.settings import Settings

    settings = settings or Settings(embedding_model="hash")
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="audit-measure-") as tmp:
        cases = load_cases(labels, Path(tmp))
        for c in cases:
            c.findings = audit_file(c.path, settings)
    report = score(cases)
    return report, format_report(cases, report, time.perf_counter() - t0, verbose)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m audit.measure", description=__doc__.splitlines()[0])
    p.add_argument("--labels", type=Path, default=DEFAULT_LABELS, help="labelled cases (YAML)")
    p.add_argument("--verbose", "-v", action="store_true", help="list every finding per file")
    args = p.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    report, text = run(args.labels, verbose=args.verbose)
    print(text)
    return 0 if report["确定"]["fp"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
