"""Scoring of answers against gold items."""
from __future__ import annotations

import json

from budgetqa.evaluation import EvalReport, format_report, format_reports, reports_json, run_eval, score_item
from budgetqa.core.records import Answer, AnswerFact, Citation


def _answer(text="", status="answered", facts=None, cites=None, computed=None, notices=None):
    return Answer(question="q", answer=text, status=status, facts=facts or [], citations=cites or [], computed=computed,
                  notices=notices or [])


def _fact(value, unit):
    return AnswerFact(org="o", year=2025, item="x", label="x", value=value, unit=unit, value_wan=None, period="current",
                      fact_id=None, citation=Citation("d.pdf", 9, "", ""))


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
    text = format_report(report, show="failed")
    assert "正确率：2/3" in text and "[c]" in text and "异常：c" in text
    assert report.to_json()["by_kind"]["lookup"] == {"n": 2, "correct": 1, "right": 1, "wrong": 0, "abstained": 0,
                                                     "other": 0, "error": 1, "unscored": 0}


# --- outcomes: right / wrong figure asserted / abstained / other ------------------------------------------

LOOKUP = {"id": "L", "kind": "lookup", "question": "q", "doc": "d.pdf", "gold": {"value": 53.87, "unit": "万元"}}
SHARE = {"id": "S", "kind": "lookup", "question": "q", "doc": "d.pdf", "gold": {"value": 98.2, "unit": "%"}}
COUNT = {"id": "C", "kind": "lookup", "question": "q", "doc": "d.pdf", "gold": {"value": 7, "unit": "辆"}}
UNANSWERABLE = {"id": "U", "kind": "unanswerable", "question": "q", "doc": None, "gold": {"abstain": True}}


def test_a_wrong_fact_is_a_wrong_figure():
    r = score_item(_answer("…为2993.92万元。", facts=[_fact(2993.92, "万元")]), LOOKUP)
    assert r.outcome == "wrong" and r.asserted == ["2993.92万元"] and "应为 53.87" in r.reason
    assert score_item(_answer("…", facts=[_fact(538700, "元")]), LOOKUP).outcome == "right"


def test_a_figure_of_another_measure_is_wrong():
    """A share asked, money answered; a count of cars asked, money answered."""
    assert score_item(_answer("…", facts=[_fact(2940.05, "万元")]), SHARE).outcome == "wrong"
    assert score_item(_answer("…", facts=[_fact(7, "万元")]), COUNT).outcome == "wrong"


def test_a_wrong_computed_result_is_wrong_even_with_right_facts():
    a = _answer("…", facts=[_fact(53.87, "万元"), _fact(1, "万元")], computed="53.87 − 1 = 52.87（万元）")
    r = score_item(a, LOOKUP)
    assert r.outcome == "wrong" and r.asserted == ["52.87万元"]


def test_not_answered_on_an_answerable_item_is_abstained():
    for status in ("not_found", "ambiguous", "refused"):
        r = score_item(_answer("未找到", status=status), LOOKUP)
        assert r.outcome == "abstained" and r.ok is False


def test_figures_only_inside_quotes_assert_nothing():
    quoted = "文件中的相关原文：\n1. “年初预算2993.92万元，支出决算2940.05万元。”（《d.pdf》第21页，正文）"
    r = score_item(_answer(quoted, cites=[Citation("d.pdf", 21, "", "")]), LOOKUP)
    assert r.outcome == "other" and r.asserted == []
    assert score_item(_answer(quoted), UNANSWERABLE).outcome == "other"


def test_a_figure_printed_outside_the_quotes_is_asserted():
    text = "少花了2.5万元。\n1. “年初预算2993.92万元，支出决算2940.05万元。”（《d.pdf》第21页）"
    r = score_item(_answer(text), LOOKUP)
    assert r.outcome == "wrong" and r.asserted == ["2.5万元"]
    text = "少花了53.87万元。\n1. “年初预算2993.92万元”（《d.pdf》第21页）"
    assert score_item(_answer(text), LOOKUP).outcome == "right"


def test_an_audit_notice_asserts_no_figure():
    note = "注意：该数字所在表的合计与分项之和相差0.01万元。"
    r = score_item(_answer("见原文“…”\n" + note, notices=[note]), LOOKUP)
    assert r.asserted == [] and r.outcome == "other"


def test_any_figure_on_an_unanswerable_item_is_wrong():
    r = score_item(_answer("…为3万元。", facts=[_fact(3, "万元")]), UNANSWERABLE)
    assert r.outcome == "wrong" and r.ok is False
    assert score_item(_answer("未找到", status="not_found"), UNANSWERABLE).outcome == "right"


def test_text_kinds_fail_as_other_not_as_wrong_figure():
    lst = {"id": "8", "kind": "list", "question": "q", "doc": None, "gold": {"items": ["办公室", "督查督办股"]}}
    assert score_item(_answer("办公室"), lst).outcome == "other"
    assert score_item(_answer("未找到", status="not_found"), lst).outcome == "abstained"
    code = {"id": "4", "kind": "lookup", "question": "q", "doc": None, "gold": {"text": "000-9999-JSN-2LTB"}}
    assert score_item(_answer("编码 000-1", facts=[_fact(80, "万元")]), code).outcome == "other"


def test_several_sets_each_with_a_block_and_a_total():
    items_a = [LOOKUP, UNANSWERABLE]
    items_b = [{**SHARE, "question": "qs"}, {**COUNT, "question": "qc"}]
    engine = _Engine({"q": _answer("…", facts=[_fact(1, "万元")]),
                      "qs": _answer("…", facts=[_fact(98.2, "%")], cites=[Citation("d.pdf", 21, "", "")]),
                      "qc": _answer("未找到", status="not_found")})
    a = run_eval(engine, items_a, name="a.jsonl")
    b = run_eval(engine, items_b, name="b.jsonl")
    assert a.outcomes()["wrong"] == 2 and b.outcomes()["right"] == 1 and b.outcomes()["abstained"] == 1
    assert a.outcomes_by_kind()["unanswerable"]["wrong"] == 1
    text = format_reports([a, b], show="wrong")
    assert "== a.jsonl（2 题）==" in text and "== b.jsonl（2 题）==" in text and "== 合计（全部评测集）（4 题）==" in text
    assert "错误数字：L、U" in text and "未作答：C" in text
    assert "[L] 错误数字 lookup q" in text and "答案数字 1万元" in text
    data = reports_json([a, b])
    json.dumps(data, ensure_ascii=False)
    assert [s["name"] for s in data["sets"]] == ["a.jsonl", "b.jsonl"]
    assert data["total"]["outcomes"]["wrong"] == 2 and data["total"]["outcomes"]["right"] == 1
    assert data["sets"][0]["results"][0]["outcome"] == "wrong"
    assert data["sets"][0]["results"][0]["reason"]  # the per-item reason text is kept


def test_nested_quotes_and_the_figure_of_the_asked_measure():
    """A quote naming “三公”经费 keeps its numbers quoted; a share answered with its base amount and the share."""
    text = "数据表中未找到该数字：\n1. “2024年度“三公”经费支出决算为0.95万元。”（《d.pdf》第23页）"
    assert score_item(_answer(text), LOOKUP).asserted == []
    a = _answer("基本支出2,336.91万元，占比79.49%", facts=[_fact(2336.91, "万元"), _fact(79.49, "%")])
    share = {**SHARE, "gold": {"value": 79.49, "unit": "%"}}
    assert score_item(a, share).outcome == "right"
    assert score_item(_answer("…", facts=[_fact(2336.91, "万元"), _fact(80.1, "%")]), share).outcome == "wrong"
