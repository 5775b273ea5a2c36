"""Scoring of answers against gold items."""
from __future__ import annotations

from budgetqa.evaluation import EvalReport, format_report, run_eval, score_item
from budgetqa.core.records import Answer, Citation


def _answer(text="", status="answered", facts=None, cites=None, computed=None):
    return Answer(question="q", answer=text, status=status, facts=facts or [], citations=cites or [], computed=computed)


def _fact(value, unit):
    return {"org": "o", "year": 2025, "item": "x", "value": value, "unit": unit, "value_wan": None,
            "citation": {"doc": "d.pdf", "page": 9, "locator": "", "quote": ""}}


def test_lookup_value_in_gold_unit():
    item = {"id": "1", "kind": "lookup", "question": "q", "doc": "d.pdf", "pages": [7, 9],
            "gold": {"value": 37151.47, "unit": "万元"}}
    ok = score_item(_answer("…", facts=[_fact(371514655, "元")], cites=[Citation("d.pdf", 9, "", "")]), item)
    assert ok.ok and ok.citation_ok
    wrong_page = score_item(_answer("…", facts=[_fact(371514655, "元")], cites=[Citation("d.pdf", 3, "", "")]), item)
    assert wrong_page.ok and wrong_page.citation_ok is False
    wrong = score_item(_answer("…", facts=[_fact(3715, "万元")], cites=[Citation("d.pdf", 9, "", "")]), item)
    assert wrong.ok is False


def test_text_keywords_and_printed_number():
    item = {"id": "2", "kind": "lookup", "question": "q", "doc": None, "gold": {"text": "000-9999-JSN-2LTB"}}
    assert score_item(_answer("项目编码 | 000-9999-JSN-2LTB"), item).ok
    item = {"id": "3", "kind": "lookup", "question": "q", "doc": None, "gold": {"value": 95, "unit": "%"}}
    assert score_item(_answer("信访群众满意度 | ≥ | 95 | %"), item).ok  # a quoted answer
    item = {"id": "4", "kind": "lookup", "question": "q", "doc": None,
            "gold": {"value": 2.6, "unit": "万元", "keywords": ["1.5%"]}}
    assert score_item(_answer("占1.49%", facts=[_fact(2.6, "万元")]), item).ok is False


def test_compare_uses_the_computed_result_and_ignores_sign():
    item = {"id": "5", "kind": "compare", "question": "q", "doc": None, "gold": {"value": 40.24, "unit": "万元"}}
    a = _answer("多40.24万元", facts=[_fact(68.71, "万元"), _fact(28.47, "万元")], computed="68.71 − 28.47 = 40.24（万元）")
    assert score_item(a, item).ok
    item = {"id": "6", "kind": "compare", "question": "q", "doc": None, "gold": {"value": 53.49, "unit": "万元"}}
    assert score_item(_answer("减少53.49万元", facts=[_fact(-53.49, "万元")]), item).ok


def test_unanswerable_list_narrative_and_unknown_kind():
    un = {"id": "7", "kind": "unanswerable", "question": "q", "doc": None, "gold": {"abstain": True}}
    assert score_item(_answer("未找到", status="not_found"), un).ok
    assert score_item(_answer("123"), un).ok is False
    lst = {"id": "8", "kind": "list", "question": "q", "doc": None, "gold": {"items": ["办公室", "督查督办股"]}}
    assert score_item(_answer("办公室、督查督办股"), lst).ok
    assert score_item(_answer("办公室"), lst).ok is False
    audit = {"id": "9", "kind": "audit", "question": "q", "doc": None, "gold": {}}
    assert score_item(_answer("x"), audit).ok is None


class _Engine:
    def __init__(self, answers):
        self.answers = answers

    def ask(self, question):
        if question == "boom":
            raise RuntimeError("x")
        return self.answers[question]


def test_run_eval_and_report():
    items = [
        {"id": "a", "kind": "lookup", "question": "qa", "doc": "d.pdf", "gold": {"value": 1, "unit": "万元"}},
        {"id": "b", "kind": "unanswerable", "question": "qb", "doc": None, "gold": {"abstain": True}},
        {"id": "c", "kind": "lookup", "question": "boom", "doc": None, "gold": {"value": 1, "unit": "万元"}},
    ]
    engine = _Engine({"qa": _answer("1万元", facts=[_fact(1, "万元")], cites=[Citation("d.pdf", None, "", "")]),
                      "qb": _answer("未找到", status="not_found")})
    report = run_eval(engine, items)
    assert isinstance(report, EvalReport)
    assert report.by_kind() == {"lookup": (2, 1), "unanswerable": (1, 1)}
    assert report.abstention == (1, 1) and report.citation == (1, 1)
    text = format_report(report)
    assert "总体正确率：2/3" in text and "[c]" in text
    assert report.to_json()["by_kind"]["lookup"] == {"n": 2, "correct": 1}
