"""webui logic without Streamlit: highlighting, formatting, scope, kiosk guards, uploads, page images."""
from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest

from budgetqa.webui import formatting as fmt
from budgetqa.webui import scope, uploads
from budgetqa.webui.highlight import highlight_html, target_values
from budgetqa.webui.kiosk import IdleTimer, RateLimiter, check_question
from budgetqa.webui.page_image import render_page_png

REPO = Path(__file__).resolve().parents[1]
SAMPLE_PDF = REPO / "samples" / "corpus" / "示例区商务委员会2021年部门预算.pdf"
Q_FUND = "2021年示例区信访局信访专项经费是多少？"


# --- highlight ---------------------------------------------------------------------------------------


def test_highlight_marks_the_cited_figure_only():
    targets = target_values([{"value": "80", "value_wan": "80"}])
    html = highlight_html("项目支出80万元，180万元；合计80.00。<b>", targets)
    assert html.count("<mark>") == 2
    assert "<mark>80</mark>万元" in html and "<mark>80.00</mark>" in html
    assert "180万元" in html and "&lt;b&gt;" in html  # escaped, and 180 is not 80


def test_highlight_money_printed_in_yuan():
    targets = target_values([{"value": "3715.15", "value_wan": "3715.15"}])
    assert "<mark>37,151,500.00</mark>" in highlight_html("一、财政拨款收入 37,151,500.00", targets)


def test_decrease_is_marked_unsigned():
    assert "<mark>8.6</mark>" in highlight_html("比2020年减少8.6万元。", target_values([{"value": "-8.6"}]))


# --- formatting --------------------------------------------------------------------------------------


def _fact(org, year, value, item="信访专项经费"):
    cit = {"doc": f"{org}{year}.txt", "page": None, "locator": "五、项目支出情况", "quote": f"支出{value}万元"}
    return {"org": org, "year": year, "item": item, "value": value, "unit": "万元", "value_wan": value,
            "citation": cit}


def test_chart_only_for_several_orgs_or_years():
    one = [_fact("示例区信访局", 2021, "80")]
    assert fmt.chart_rows(one) is None
    rows, unit = fmt.chart_rows(one + [_fact("示例区信访局", 2020, "75")])
    assert unit == "万元" and [r["label"] for r in rows] == ["2020年", "2021年"]  # in time order
    assert [r["value"] for r in rows] == [75.0, 80.0] and [r["text"] for r in rows] == ["75", "80"]
    same_key = [_fact("A局", 2021, "1", "办公费"), _fact("A局", 2021, "2", "差旅费")]
    assert fmt.chart_rows(same_key) is None


def test_citation_title_and_targets():
    fact = _fact("示例区信访局", 2021, "80")
    answer = {"answer": "80万元", "facts": [fact], "citations": [fact["citation"]]}
    assert fmt.citation_title(fact["citation"], 1) == "[1] 示例区信访局2021.txt · 五、项目支出情况"
    assert fmt.citation_title({"doc": "a.pdf", "page": 3, "locator": "表1", "quote": ""}) == "a.pdf · 第3页 · 表1"
    assert Decimal(80) in fmt.targets_for_citation(answer, fact["citation"])


def test_format_value_exact():
    assert fmt.format_value(Decimal("37151500.00"), "元") == "37,151,500元"
    assert fmt.format_value("12.60", "万元") == "12.6万元"


def test_examples_and_follow_ups():
    docs = [SimpleNamespace(org="示例区信访局", year=2021), SimpleNamespace(org="示例区信访局", year=2020),
            SimpleNamespace(org="示例区商务委员会", year=2021)]
    assert fmt.example_questions(docs)[0] == Q_FUND
    other = [SimpleNamespace(org="某市财政局", year=2024)]
    assert fmt.example_questions(other)[0] == "2024年某市财政局“三公”经费是多少？"
    answer = {"status": "answered", "facts": [_fact("示例区信访局", 2021, "80")]}
    assert fmt.follow_up_suggestions(answer, fmt.years_by_org(docs)) == ["那2020年呢？"]
    assert fmt.follow_up_suggestions({"status": "not_found", "facts": []}, fmt.years_by_org(docs)) == []
    asked = fmt.answered_pairs([answer, {"facts": [_fact("示例区信访局", 2020, "75")]}])
    assert fmt.follow_up_suggestions(answer, fmt.years_by_org(docs), asked) == []


def test_scope_to_doc_ids():
    docs = [SimpleNamespace(id="a", org="甲局", year=2021, kind="部门预算"),
            SimpleNamespace(id="b", org="甲局", year=2020, kind="部门预算"),
            SimpleNamespace(id="c", org=None, year=None, kind=None)]
    assert scope.doc_ids(docs, scope.Scope()) is None
    assert scope.doc_ids(docs, scope.Scope(years=[2021])) == ["a"]
    assert scope.doc_ids(docs, scope.Scope(orgs=[scope.UNKNOWN_LABEL])) == ["c"]
    assert scope.options(docs) == (["甲局", scope.UNKNOWN_LABEL], [2021, 2020], ["部门预算", scope.UNKNOWN_LABEL])


# --- kiosk guards ------------------------------------------------------------------------------------


def test_rate_limiter_sliding_window():
    rl = RateLimiter(limit=2, window_s=60)
    assert rl.allow(0) and rl.allow(1) and not rl.allow(2)
    assert rl.retry_after(2) == pytest.approx(58)
    assert rl.allow(60.5)  # the first event left the window


def test_idle_timer():
    t = IdleTimer(timeout_s=180, last=0)
    assert not t.expired(179) and t.expired(180)
    t.touch(200)
    assert not t.expired(300)


def test_question_cap():
    assert check_question("  2021年  三公经费？ ", 20) == ("2021年 三公经费？", None)
    q, problem = check_question("很" * 30, 20)
    assert q is None and "20" in problem
    assert check_question("   ", 20)[0] is None


# --- uploads -----------------------------------------------------------------------------------------


def test_safe_upload_names(tmp_path):
    assert uploads.safe_name("../../etc/passwd") == "passwd"
    assert uploads.safe_name("C:\\x\\示例区信访局2021年部门预算.pdf") == "示例区信访局2021年部门预算.pdf"
    assert uploads.safe_name('a<b>:"c".txt') == "a_b___c_.txt"
    path = uploads.save_upload(tmp_path / "uploads", "../x.txt", "内容".encode())
    assert path == tmp_path / "uploads" / "x.txt" and path.read_text(encoding="utf-8") == "内容"


def test_upload_result_text():
    ok = SimpleNamespace(path="/s/u/a.txt", status="ingested", error=None, pages=1, facts=12,
                         meta=SimpleNamespace(org="甲局", year=2021, kind="部门预算"))
    assert uploads.result_text(ok).startswith("已导入（甲局 2021年 部门预算，1 页，12 个数字）")
    same = SimpleNamespace(path="/s/u/a.txt", status="unchanged", error=None)
    assert uploads.result_text(same).startswith("已存在")
    bad = SimpleNamespace(path="/s/u/b.pdf", status="failed", error="/s/u/b.pdf: not a PDF")
    assert uploads.result_text(bad) == "失败：b.pdf: not a PDF" and uploads.result_level(bad) == "error"


# --- page images -------------------------------------------------------------------------------------


def test_page_image_boxes_the_cited_cell():
    from PIL import Image

    plain = render_page_png(str(SAMPLE_PDF), 1)
    marked = render_page_png(str(SAMPLE_PDF), 1, "一、财政拨款收入 37,151,500.00",
                             frozenset({Decimal("37151500")}))
    assert plain and marked and plain != marked
    img = Image.open(io.BytesIO(marked)).convert("RGB")
    reds = sum(1 for px in img.getdata() if px[0] > 200 and px[1] < 60 and px[2] < 60)
    assert reds > 100  # the red box around the cell
    cropped = render_page_png(str(SAMPLE_PDF), 1, "一、财政拨款收入 37,151,500.00",
                              frozenset({Decimal("37151500")}), crop=True)
    assert Image.open(io.BytesIO(cropped)).height < img.height


def test_page_image_missing_file(tmp_path):
    assert render_page_png(str(tmp_path / "gone.pdf"), 1) is None
