"""Precision and recall of the audit over labelled cases (tests/data/audit_labels.yaml).

    python -m budgetqa.audit.measure [--labels FILE] [--verbose]

A prediction is a distinct (document, rule, item) among the findings; it is correct when the document's labels
expect that rule and item. Scores are given at three levels: 确定 only, 确定+疑似 (the contradictions) and all
findings including 提示. Documents labelled `expected: []` must stay clean.

`--perturb N` also measures recall on injected errors: single figures raised by 10% in the clean documents
(audit/perturb.py) and, in every real labelled document, N edits of each other kind (emptied cell, flipped
direction word, heading year, placeholder in a table title, dropped table; audit/perturb_kinds.py).
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

from budgetqa.audit.findings import Finding
from budgetqa.audit.rules import CERTAIN, NOTE, SUSPECTED

log = logging.getLogger(__name__)

DEFAULT_LABELS = Path("tests") / "data" / "audit_labels.yaml"  # relative to the checkout
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
    root = root if root.is_absolute() else (labels_path.resolve().parent / root).resolve()
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


def load(path: Path, settings):
    """(Document, facts with ids) of a file, extracted as ingestion would."""
    from budgetqa.ingest.facts import extract_facts
    from budgetqa.ingest.loader import load_document

    doc = load_document(path, settings)
    facts = extract_facts(doc)
    for i, f in enumerate(facts):
        f.fact_id = f.fact_id or i + 1
    return doc, facts


def audit_file(path: Path, settings) -> list[Finding]:
    from budgetqa.audit.runner import audit_document

    return audit_document(*load(path, settings))


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
        out.append(f"{rule:<16} 报出 {tp}/{len(preds)} 正确，应报 {hit}/{len(exp)} 已找到")
    return out


def format_report(cases: list[Case], report: dict, seconds: float, verbose: bool = False) -> str:
    lines = [f"审核规则评测：{len(cases)} 个文件（{sum(1 for c in cases if not c.expected)} 个应无问题），用时 {seconds:.1f}s"]
    for level, r in report.items():
        lines.append(f"  {level:<10} precision {r['precision']:.2f}  recall {r['recall']:.2f}  "
                     f"(TP {r['tp']}, FP {r['fp']}, FN {r['fn']})")
    lines.append("  按规则（全部级别）：")
    lines.extend(f"    {r}" for r in _per_rule(cases))
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


def run(labels: Path = DEFAULT_LABELS, settings=None, verbose: bool = False, perturb_n: int = 0,
        seed: int = 7) -> tuple[dict, str]:
    import random

    from budgetqa.core.settings import Settings

    from budgetqa.audit.perturb import format_perturbation, perturb
    from budgetqa.audit.perturb_kinds import format_kinds, perturb_kinds
    from budgetqa.audit.runner import audit_document

    settings = settings or Settings(embedding_model="hash")
    t0 = time.perf_counter()
    rng, injected, kinds = random.Random(seed), {}, {}
    real = {p.name for p in labels_docs(labels)}
    with tempfile.TemporaryDirectory(prefix="audit-measure-") as tmp:
        cases = load_cases(labels, Path(tmp))
        for c in cases:
            doc, facts = load(c.path, settings)
            c.findings = audit_document(doc, facts)
            if perturb_n and not c.expected and c.name in real:
                injected[c.name] = perturb(doc, facts, perturb_n, rng)
            if perturb_n and c.name in real:  # edits are judged against the document's own findings
                kinds[c.name] = perturb_kinds(doc, facts, perturb_n, rng)
    report = score(cases)
    text = format_report(cases, report, time.perf_counter() - t0, verbose)
    if injected:
        report["perturbation"] = injected
        text += "\n" + "\n".join(format_perturbation(injected))
    if kinds:
        report["perturbation_kinds"] = kinds
        text += "\n" + "\n".join(format_kinds(kinds))
    return report, text


def labels_docs(labels: Path) -> list[Path]:
    data = yaml.safe_load(labels.read_text(encoding="utf-8"))
    return [Path(d["path"]) for d in data["documents"]]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m budgetqa.audit.measure", description=__doc__.splitlines()[0])
    p.add_argument("--labels", type=Path, default=DEFAULT_LABELS, help="labelled cases (YAML)")
    p.add_argument("--verbose", "-v", action="store_true", help="list every finding per file")
    p.add_argument("--perturb", type=int, default=0, metavar="N",
                   help="also inject N single-figure errors (+10%%) per clean document, and N edits of each other kind "
                        "(emptied cell, flipped direction word, heading year, placeholder, dropped table) per "
                        "document, and report how many are found")
    args = p.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    report, text = run(args.labels, verbose=args.verbose, perturb_n=args.perturb)
    print(text)
    return 0 if report["确定"]["fp"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
