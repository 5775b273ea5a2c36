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
