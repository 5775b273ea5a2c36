"""Command line: ask --json contract, facts query and export for auditors."""
from __future__ import annotations

import csv
import json

import pytest
from openpyxl import load_workbook

from budgetqa.cli import main
from budgetqa.ingest.pipeline import Ingestor
from tests.conftest import seed


@pytest.fixture
def store(settings, monkeypatch):
    monkeypatch.setenv("BUDGETQA_EMBEDDING_MODEL", "hash")
    Ingestor(settings).ingest([seed("000"), seed("003")])
    return str(settings.store)


def test_ask_json_follows_the_contract(store, capsys):
    assert main(["--store", store, "ask", "--json", "2021 信访专项经费多少"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert {"question", "answer", "status", "facts", "citations"} <= set(out)
    assert out["status"] == "answered"
    [fact] = out["facts"][:1]
    assert fact["value"] == 80 and fact["unit"] == "万元" and fact["value_wan"] == 80
    cite = out["citations"][0]
    assert cite["doc"] == seed("000").name and cite["page"] is None
    assert "信访专项经费支出80万元" in cite["quote"]


def test_facts_query_accepts_synonyms_and_exports_csv_and_xlsx(store, tmp_path, capsys):
    assert main(["--store", store, "facts", "--item", "“三公”经费", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert any(r["value_text"] == "3.7" and r["unit"] == "万元" for r in rows)
    assert all(r["item"] == "三公经费" for r in rows)
    for suffix in ("csv", "xlsx"):
        path = tmp_path / f"facts.{suffix}"
        assert main(["--store", store, "facts", "--code", "2101101", "--export", str(path)]) == 0
        if suffix == "csv":
            with path.open(encoding="utf-8-sig") as fh:
                table = list(csv.reader(fh))
        else:
            table = [[c.value for c in row] for row in load_workbook(path).active.iter_rows()]
        header, body = table[0], table[1:]
        assert "原文数值" in header and "页码" in header and body
        values = {row[header.index("原文数值")] for row in body}
        assert "12.38" in values


def test_unknown_export_format_is_one_clear_line(store, tmp_path, capsys):
    assert main(["--store", store, "facts", "--export", str(tmp_path / "facts.pdf")]) == 2
    assert "facts.pdf" in capsys.readouterr().err
