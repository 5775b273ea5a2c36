"""Printed numbers -> exact Decimal + unit (ingest/numbers.py)."""
from decimal import Decimal

import pytest

from budgetqa.core.numbers import find_numbers, is_money_unit, is_not_disclosed, parse_number, to_yuan


@pytest.mark.parametrize(
    "text, value, unit, comparator",
    [
        ("371,514,655.00", "371514655.00", "", None),
        ("１２.３", "12.3", "", None),
        ("80", "80", "", None),
        ("0.00", "0.00", "", None),
        ("≥95%", "95", "%", "≥"),
        ("≥100 百分比", "100", "%", "≥"),
        ("﹤70%", "70", "%", "<"),
        ("90%以上", "90", "%", "≥"),
        ("1.2亿元", "1.2", "亿元", None),
        ("一百二十万元", "120", "万元", None),
        ("3万元", "3", "万元", None),
        ("4 人", "4", "人", None),
        ("≤32 人", "32", "人", "≤"),
        ("1辆", "1", "辆", None),
        ("≥8件", "8", "件", "≥"),
        ("-12.5", "-12.5", "", None),
    ],
)
def test_parse_number(text, value, unit, comparator):
    n = parse_number(text)
    assert n is not None
    assert n.value == Decimal(value)
    assert n.unit == unit
    assert n.comparator == comparator
    assert n.text == text.strip()


@pytest.mark.parametrize("text", ["", "-", "—", "--", "---", "——", "- -"])
def test_not_disclosed_is_no_number(text):
    assert parse_number(text) is None
    assert is_not_disclosed(text) == bool(text)


@pytest.mark.parametrize("text", ["万元", "全年包干费用 10 万元", "2021 年 12 月 31 日前", "000-9999-JSN-2LTB", "按规定执行"])
def test_text_is_no_number(text):
    assert parse_number(text) is None
    assert not is_not_disclosed(text)


def test_to_yuan_is_exact():
    assert to_yuan(Decimal("371514655.00"), "元") == Decimal("371514655")
    assert to_yuan(Decimal("938.99"), "万元") == Decimal("9389900")
    assert to_yuan(Decimal("1.2"), "亿元") == Decimal("120000000")
    assert to_yuan(Decimal("0.1"), "万元") == Decimal("1000")  # no float rounding
    assert to_yuan(Decimal("95"), "%") is None
    assert to_yuan(Decimal("305"), "件") is None
    assert is_money_unit("万元") and not is_money_unit("辆")


def test_find_numbers_in_sentences():
    text = "2021年机关运行经费11.06万元。包括：办公费1.65万元、邮电费1.5万元，较2020年减少53.49万元，增长17.48%，占98.5%"
    found = [(n.text, n.value, n.unit) for n in find_numbers(text) if n.unit and n.kind != "year"]
    assert found == [
        ("11.06万元", Decimal("11.06"), "万元"),
        ("1.65万元", Decimal("1.65"), "万元"),
        ("1.5万元", Decimal("1.5"), "万元"),
        ("53.49万元", Decimal("53.49"), "万元"),
        ("17.48%", Decimal("17.48"), "%"),
        ("98.5%", Decimal("98.5"), "%"),
    ]
    for n in find_numbers(text):
        assert text[n.start:n.end] == n.text


def test_find_numbers_across_pdf_line_breaks_and_chinese_numerals():
    text = "其他支出29,381.00万\n元，另安排一百二十万元，３万元"
    found = [(n.value, n.unit) for n in find_numbers(text)]
    assert found == [(Decimal("29381.00"), "万元"), (Decimal("120"), "万元"), (Decimal("3"), "万元")]


def test_bare_wan_before_punctuation_is_wan_yuan_but_not_before_a_count_word():
    from budgetqa.core.numbers import find_numbers

    found = [(n.text, n.unit) for n in find_numbers("项目总预算2921.00万，其中支持外贸发展370.00万。发放1万份")]
    assert ("2921.00万", "万元") in found and ("370.00万", "万元") in found
    assert all(unit != "万元" for text, unit in found if text.startswith("1"))


# --- one unit table, Chinese numerals by cn2an, one scanner for extraction and the guard -------------------

from budgetqa.core.numerals import arabic_years, cn_value, small_int  # noqa: E402
from budgetqa.core.units import convert_money, from_yuan, money_factor, split_unit  # noqa: E402


def test_money_units_convert_exactly_both_ways():
    assert money_factor("万元") == 10000 and money_factor("亿元") == 100000000 and money_factor("千元") == 1000
    assert money_factor(" 万 元") == 10000 and money_factor("人") is None and money_factor("") is None
    assert convert_money(Decimal("80"), "万元", "元") == 800000
    assert convert_money(Decimal("371514655.00"), "元", "亿元") == Decimal("3.7151465500")
    assert convert_money(Decimal("1.2"), "亿元", "万元") == 12000
    assert convert_money(Decimal("5"), "人", "元") is None and convert_money(Decimal("5"), "元", "%") is None
    assert from_yuan(Decimal("327800"), "万元") == Decimal("32.78")
    assert split_unit("万元") == (4, "元") and split_unit("万人") == (4, "人") and split_unit("万") == (4, None)
    assert split_unit("个百分点") == (0, "%") and split_unit("百分点") == (0, "%") and split_unit("") == (0, None)


@pytest.mark.parametrize("text, value", [
    ("一百二十", "120"), ("两千", "2000"), ("廿一", "21"), ("二〇二一", "2021"), ("二○二一", "2021"),
    ("一点二", "1.2"), ("十一点零五", "11.05"), ("零点五", "0.5"), ("一亿二千万", "120000000"),
])
def test_chinese_numerals(text, value):
    assert cn_value(text) == Decimal(value)


def test_chinese_numeral_helpers():
    assert [small_int(t) for t in ("12", "十二", "两", "十", "九", "二十")] == [12, 12, 2, 10, 9, 20]
    assert small_int("一般") is None and cn_value("百") is None
    assert arabic_years("二〇二三年部门预算，二○二一年") == "2023年部门预算，2021年"


def _read(text, **kw):
    return [(n.text, n.value, n.unit, n.kind) for n in find_numbers(text, **kw)]


def test_one_scanner_reads_years_percentages_and_chinese_counts():
    assert _read("二〇二一年，百分之十二点五，八十人，十二项，2024 年度") == [
        ("二〇二一年", Decimal(2021), "年", "year"), ("百分之十二点五", Decimal("12.5"), "%", "percent"),
        ("八十人", Decimal(80), "人", "number"), ("十二项", Decimal(12), "项", "number"),
        ("2024 年", Decimal(2024), "年", "year")]
    assert _read("一百二十万，一般公共预算，三公经费") == [("一百二十万", Decimal(120), "万元", "number")]


def test_bare_wan_is_money_for_extraction_and_a_multiplier_for_the_guard():
    text = "项目总预算2921.00万，受益120万人"
    assert [(n.unit, n.magnitude) for n in find_numbers(text)] == [("万元", Decimal(29210000)),
                                                                  ("万人", Decimal(1200000))]
    guard = find_numbers(text, bare_wan_is_money=False)
    assert [(n.unit, n.base_unit, n.scale) for n in guard] == [("万", None, 4), ("万人", "人", 4)]


def test_ordinals_and_citation_markers_are_no_numbers_in_extraction_either():
    found = _read("（一）公务接待费1万元[2]\n2、公务用车0辆，第3页")
    assert found == [("1万元", Decimal(1), "万元", "number"), ("0辆", Decimal(0), "辆", "number")]


def test_pdf_whitespace_before_a_unit_but_not_before_a_word():
    assert _read("共有\n车辆 0 辆，其中：机要通信用车0\n辆、") == [
        ("0 辆", Decimal(0), "辆", "number"), ("0\n辆", Decimal(0), "辆", "number")]
    assert _read("资本性支出 0.00\n人员经费合计 1,234.56 项目支出 31\n\n项 目") == [
        ("0.00", Decimal("0.00"), "", "number"), ("1,234.56", Decimal("1234.56"), "", "number"),
        ("31", Decimal(31), "", "number")]
    assert _read("307.82\n年初财政拨款 32\t年初") == [("307.82", Decimal("307.82"), "", "number"),
                                                ("32", Decimal(32), "", "number")]
