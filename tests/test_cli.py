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
    # each cited fact says which constraints of the question it met
    assert out["match"]["full"] is True
    [m] = out["match"]["facts"]
    assert m["constraints"]["year"] == {"name": "year", "asked": "2021", "found": "2021", "met": True}
    assert m["constraints"]["item"]["met"] is True and m["citation"]["doc"] == seed("000").name
    assert out["related"] == []


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


def test_eval_several_sets_json_and_show(store, tmp_path, capsys):
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    a.write_text(json.dumps({"id": "a1", "kind": "lookup", "doc": seed("000").name, "question": "2021 信访专项经费多少",
                             "gold": {"value": 80, "unit": "万元"}}, ensure_ascii=False) + "\n", encoding="utf-8")
    b.write_text(json.dumps({"id": "b1", "kind": "lookup", "doc": seed("000").name, "question": "2021 信访专项经费多少",
                             "gold": {"value": 81, "unit": "万元"}}, ensure_ascii=False) + "\n", encoding="utf-8")
    assert main(["--store", store, "eval", str(a), str(b), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [s["name"] for s in data["sets"]] == ["a.jsonl", "b.jsonl"]
    assert data["sets"][0]["outcomes"]["right"] == 1 and data["sets"][1]["outcomes"]["wrong"] == 1
    assert data["total"]["outcomes"]["right"] == 1 and data["total"]["outcomes"]["wrong"] == 1
    assert main(["--store", store, "eval", str(a), str(b), "--show", "wrong"]) == 0
    text = capsys.readouterr().out
    assert "== a.jsonl（1 题）==" in text and "== 合计（全部评测集）（2 题）==" in text
    assert "[b1] 错误数字 lookup" in text and "答案数字 80万元" in text and "应为 81万元" in text


def test_eval_bad_file_is_one_line(store, tmp_path, capsys):
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{not json\n", encoding="utf-8")
    assert main(["--store", store, "eval", str(bad)]) == 2
    assert "bad.jsonl:1：不是有效的 JSON" in capsys.readouterr().err
    assert main(["--store", store, "eval", str(tmp_path / "missing.jsonl")]) == 2
    assert "missing.jsonl：无法读取" in capsys.readouterr().err
