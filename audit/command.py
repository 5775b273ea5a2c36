"""`budgetqa audit [--doc NAME] [--json] [--export FILE.csv|.xlsx]`: consistency findings with evidence."""
from __future__ import annotations

import argparse
import json
import logging
import sys

from budgetqa.audit.export import write as export
from budgetqa.audit.findings import Finding, group_by_doc, to_json
from budgetqa.audit.rules import RULES, SEVERITIES, SEVERITY_RANK

log = logging.getLogger(__name__)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--doc", action="append", metavar="NAME",
                        help="只审核该文件（文件名或其一部分，可重复）；默认审核全部已导入文件")
    parser.add_argument("--json", action="store_true", help="以 JSON 输出 {\"findings\": [...]}")
    parser.add_argument("--export", metavar="FILE", help="导出审核底稿：.csv、.xlsx 或 .json")
    parser.add_argument("--min-severity", choices=SEVERITIES, default="提示",
                        help="只显示该严重程度及以上的发现（确定 > 疑似 > 提示）")
    parser.add_argument("--rule", action="append", choices=[r.id for r in RULES], metavar="RULE",
                        help="只运行指定规则（可重复）：" + "、".join(r.id for r in RULES))


def run(args: argparse.Namespace, settings) -> int:
    from budgetqa.store.side_store import open_store

    from budgetqa.audit.runner import run_audit

    store = open_store(settings)
    docs = store.list_documents()
    if not docs:
        print("存储为空：先运行 budgetqa ingest PATH", file=sys.stderr)
        return 0
    names = getattr(args, "doc", None)
    selected = [d for d in docs if not names or any(n == d.name or n == d.id or n in d.name for n in names)]
    if not selected:
        print(f"未找到文件：{'、'.join(names)}（用 budgetqa docs 查看已导入的文件）", file=sys.stderr)
        return 2
    rules = [r for r in RULES if not args.rule or r.id in args.rule]
    limit = SEVERITY_RANK[args.min_severity]
    findings = [f for f in run_audit(store, names, rules) if SEVERITY_RANK[f.severity] <= limit]
    if args.export:
        try:
            path = export(findings, args.export)
        except (ValueError, OSError) as exc:
            print(f"无法导出到 {args.export}：{exc}", file=sys.stderr)
            return 2
        print(f"已导出 {len(findings)} 条发现到 {path}", file=sys.stderr)
    if args.json:
        print(json.dumps(to_json(findings), ensure_ascii=False, indent=2))
    elif not args.export or findings:
        print(format_text(findings, checked=len(selected)))
    return 0


def format_text(findings: list[Finding], checked: int) -> str:
    if not findings:
        return f"已审核 {checked} 个文件，未发现问题。"
    lines = []
    for doc, items in group_by_doc(findings).items():
        counts = "，".join(f"{sum(1 for f in items if f.severity == s)} {s}" for s in SEVERITIES)
        lines.append(f"== {doc}（{counts}）")
        for f in items:
            lines.append(f"[{f.severity}] {f.title}：{f.message}")
            for v, c in zip(f.values, f.citations):
                where = "，".join(x for x in (f"第{c.page}页" if c.page else "", c.locator) if x)
                quote = c.quote.replace("\n", "")[:80]
                value = f"{v.get('label') or ''} {v.get('value') or ''}".strip()
                lines.append(f"    · {v.get('role', '')} {value} — {where}" + (f"：“{quote}”" if quote else ""))
        lines.append("")
    total = "，".join(f"{sum(1 for f in findings if f.severity == s)} 条{s}" for s in SEVERITIES)
    lines.append(f"已审核 {checked} 个文件：{total}。")
    return "\n".join(lines)
