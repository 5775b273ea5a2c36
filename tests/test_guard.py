"""Numbers in text and the number guard."""
from __future__ import annotations

from decimal import Decimal

import pytest

from budgetqa.answering.guard import (AllowedNumbers, GuardRejected, StreamGuard, check_answer, mentions,
                                      strip_reasoning)
from budgetqa.core.numbers import citation_markers
from budgetqa.core.records import Answer, AnswerFact, Chunk, Citation, Passage


def nums(text):
    return [(n.text, n.magnitude, n.base_unit, n.kind) for n in mentions(text)]


@pytest.mark.parametrize(
    "text, magnitude, unit",
    [
        ("共80万元", Decimal(800000), "元"),
        ("八十万元", Decimal(800000), "元"),
        ("一百二十万", Decimal(1200000), None),
        ("1.2亿元", Decimal(120000000), "元"),
        ("一点二亿元", Decimal(120000000), "元"),
        ("371,514,655.00元", Decimal("371514655"), "元"),
        ("３７１，５１４", Decimal(371), None),  # full-width comma is punctuation, not a separator
        ("增长１２．５％", Decimal("12.5"), "%"),
        ("百分之十二点五", Decimal("12.5"), "%"),
        ("两千元", Decimal(2000), "元"),
        ("80 万元", Decimal(800000), "元"),
    ],
)
def test_first_number_and_unit(text, magnitude, unit):
    first = mentions(text)[0]
    assert first.magnitude == magnitude and first.base_unit == unit


def test_years_ordinals_citations_and_words():
    assert nums("2021年三公经费[1]") == [("2021年", Decimal(2021), "年", "year")]
    assert nums("二〇二一年") == [("二〇二一年", Decimal(2021), "年", "year")]
    assert nums("1. 基本支出\n2、项目支出\n（一）一般公共预算\n(2) 其他 第3页") == []
    assert nums("一般公共预算拨款收入，三公经费，一是统一，十分重要") == []
    assert nums("[1][2]【3】[1,2]") == []
    assert [n[0] for n in nums("1.2亿元\n3. 项目")] == ["1.2亿元"]
    assert [n[0] for n in nums("基本支出 1,234.56 项目支出")] == ["1,234.56"]  # no unit across a space
    assert citation_markers("a[1]b[2,3]c［4］d[5-6]") == [1, 2, 3, 4, 5, 6]


@pytest.fixture
def allowed():
    a = AllowedNumbers()
    a.add_value("371514655.00", "元")
    a.add_value("80", "万元")
    a.add_value("12.5", "%")
    a.add_year(2021)
    a.add_text("单位：万元\n基本支出 1,234.56")
    a.add_text("其他 66.6")  # no unit declared: unit unknown
    return a


@pytest.mark.parametrize(
    "text",
    [
        "80万元[1]", "八十万元[1]", "800000元[1]", "0.008亿元[1]", "80.00万元[1]",
        "37151.47万元[1]", "37151.4655万元[1]", "3.72亿元[1]", "371,514,655.00元[1]",
        "12.5%[1]", "12.50%[1]", "百分之十二点五[1]",
        "1,234.56万元[1]", "12345600元[1]", "1234.56[1]",
        "66.6[1]", "66.6万元[1]",
        "2021年[1]", "2021-2021年[1]", "文件中没有相关信息。",
    ],
)
def test_supported(allowed, text):
    assert check_answer(text, allowed, 2).ok, check_answer(text, allowed, 2)


@pytest.mark.parametrize(
    "text",
    [
        "37151万元[1]",  # rounded to an integer: not allowed
        "3.7亿元[1]",  # one decimal: must be exact
        "81万元[1]", "八十一万元[1]", "80万人[1]", "13%[1]", "12.53%[1]",
        "1234.56元[1]",  # the table is in 万元
        "2022年[1]",
    ],
)
def test_unsupported(allowed, text):
    result = check_answer(text, allowed, 2)
    assert not result.ok and result.unsupported_numbers


def test_citations(allowed):
    assert check_answer("80万元[2]", allowed, 2).ok
    result = check_answer("80万元[5]", allowed, 2)
    assert not result.ok and result.bad_citations == [5]
    assert check_answer("80万元[0]", allowed, 2).bad_citations == [0]
    uncited = check_answer("80万元。", allowed, 2)
    assert not uncited.ok and uncited.uncited
    assert check_answer("80万元。", allowed, 2, require_citation=False).ok


def test_from_answer_collects_facts_passages_computed_and_question_years():
    chunk = Chunk("d" * 64, 0, "2020年决算数为66.60万元，单位：万元", 3, "正文", 0, 20)
    passage = Passage(chunk, "b.pdf", "某局", 2019, "部门预算", 1.0)
    answer = Answer(
        question="某局21年和2022年三公经费差多少？100万元够吗",
        answer="差额为13.40万元。",
        status="answered",
        facts=[AnswerFact(org="某局", year=2021, item="三公经费", label="三公经费", value=80, unit="万元", value_wan=80,
                          period="current", fact_id=None,
                          citation=Citation("a.pdf", 5, "表5", "三公经费合计 80.00"))],
        citations=[Citation("a.pdf", 5, "表5", "三公经费合计 80.00")],
        computed="80.00 - 66.60 = 13.40（万元）",
    )
    a = AllowedNumbers.from_answer(answer, [passage])
    ok = "2021年80万元[1]，2020年66.6万元[2]，相差13.40万元[1]，2022年、2019年均有数据[1]。"
    assert check_answer(ok, a, 2).ok, check_answer(ok, a, 2)
    assert check_answer("100万元[1]", a, 2).unsupported_numbers == ["100万元"]  # question numbers are not sources


def test_stream_guard_releases_checked_sentences_only(allowed):
    out = []
    g = StreamGuard(allowed, 2, out.append)
    for token in ["<think>算一下 81万元</think>", "三公经费为", "80万", "元[1]。另", "外增加"]:
        g.feed(token)
    assert out == ["三公经费为80万元[1]。"]
    with pytest.raises(GuardRejected):
        g.feed("了5万元[1]。")
    assert out == ["三公经费为80万元[1]。"]
    assert strip_reasoning("<think>x 1</think>\n答案") == "答案"


def test_year_only_sentence_needs_no_citation(allowed):
    assert check_answer("文件中没有2021年的相关信息。", allowed, 2).ok


def test_years_resolved_by_the_engine_are_allowed():
    answer = Answer(question="去年的三公经费呢？", answer="未找到。", status="not_found", interpretation="某局 2021年 三公经费")
    a = AllowedNumbers.from_answer(answer, [])
    assert check_answer("2021年[1]", a, 1).ok and not check_answer("2020年[1]", a, 1).ok
