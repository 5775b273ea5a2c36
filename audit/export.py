"""Working papers for auditors: findings as CSV (Excel-friendly UTF-8 BOM), XLSX or JSON."""
from __future__ import annotations

import csv
import json
import logging
from pathlib import Path
from typing import Iterable

from budgetqa.audit.findings import Finding, sort_findings, to_json

log = logging.getLogger(__name__)

COLUMNS = ["文件", "页码", "规则", "规则名称", "严重程度", "项目", "说明", "涉及数值", "出处"]


def _rows(findings: Iterable[Finding]) -> list[list]:
    rows = []
    for f in sort_findings(findings):
        values = "；".join(f"{v['role']}：{v['label']} {_with_unit(v)}".strip() for v in f.values)
        cites = "；".join(
            f"{c.doc}{f' 第{c.page}页' if c.page else ''} {c.locator}：{c.quote[:120]}" for c in f.citations
        )
        rows.append([f.doc, f.page or "", f.rule, f.title, f.severity, f.item or "", f.message, values, cites])
    return rows


def _with_unit(v: dict) -> str:
    value, unit = str(v.get("value") or ""), v.get("unit") or ""
    return value if not value or value.endswith(unit) else value + unit


def write(findings: list[Finding], path: Path | str) -> Path:
    """Write findings as a working paper: .csv (UTF-8 with BOM, opens in Excel), .xlsx or .json."""
    path = Path(path)
    suffix = path.suffix.lower()
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(COLUMNS)
            w.writerows(_rows(findings))
    elif suffix == ".xlsx":
        _write_xlsx(findings, path)
    elif suffix == ".json":
        path.write_text(json.dumps(to_json(findings), ensure_ascii=False, indent=2), encoding="utf-8")
    else:
        raise ValueError(f"unsupported export format '{suffix}' (use .csv, .xlsx or .json)")
    log.info("wrote %d findings to %s", len(findings), path)
    return path


def _write_xlsx(findings: list[Finding], path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = "审核发现"
    ws.append(COLUMNS)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in _rows(findings):
        ws.append(row)
    widths = [28, 6, 16, 20, 8, 18, 60, 50, 80]
    for i, w in enumerate(widths):
        ws.column_dimensions[chr(ord("A") + i)].width = w
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"
    wb.save(path)
