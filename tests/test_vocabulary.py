"""Canonical items and synonyms (ingest/vocabulary.py + ingest/data/vocabulary.yaml)."""
import pytest

from budgetqa.core.vocabulary import get_vocabulary, normalize_label

SZB_CLASSES = [  # the 类 rows of a 收支总表
    "一般公共服务支出", "外交支出", "国防支出", "公共安全支出", "教育支出", "科学技术支出", "文化旅游体育与传媒支出",
    "社会保障和就业支出", "社会保险基金支出", "卫生健康支出", "节能环保支出", "城乡社区支出", "农林水支出",
    "交通运输支出", "资源勘探工业信息等支出", "商业服务业等支出", "金融支出", "援助其他地区支出",
    "自然资源海洋气象等支出", "住房保障支出", "粮油物资储备支出", "国有资本经营预算支出", "灾害防治及应急管理支出",
    "预备费", "其他支出", "转移性支出", "债务还本支出", "债务付息支出", "债务发行费用支出", "抗疫特别国债安排的支出",
]


@pytest.mark.parametrize(
    "label, name",
    [
        ("一、一般公共预算拨款收入", "一般公共预算拨款"),
        ("1. 一般公共预算资金", "一般公共预算拨款"),
        ("其中：公务用车购置费", "公务用车购置费"),
        ("（三）因公出国（境）经费", "因公出国（境）费"),
        ("因公出国(境)费", "因公出国（境）费"),
        ("“三公”经费", "三公经费"),
        ('"三公"经费', "三公经费"),
        ("公务用车购置及运维费", "公务用车购置及运行维护费"),
        ("公务用车购置及运行费", "公务用车购置及运行维护费"),
        ("公务用车运行维护经费", "公务用车运行维护费"),
        ("日常公用经费", "公用经费"),
        ("正常公用经费", "公用经费"),
        ("机关运行费", "机关运行经费"),
        ("资产总额", "固定资产"),
        ("2、车辆（台、辆）", "车辆"),
        ("1、房屋（平方米）", "房屋"),
        ("十、卫生健康支出", "卫生健康支出"),
        ("卫生健康（类）", "卫生健康支出"),
        ("本年收入合计", "收入合计"),
        ("收入总计", "收入总计"),
        ("上年结转", "上年结转"),
        ("维修(护)费", "维修（护）费"),
        ("合  计", "合计"),
    ],
)
def test_match(label, name):
    item = get_vocabulary().match(label)
    assert item is not None, label
    assert item.name == name


@pytest.mark.parametrize("label", ["项   目", "信访维稳专项资金", "", "  其中：文物"])
def test_match_none(label):
    assert get_vocabulary().match(label) is None


def test_every_class_of_the_szb_is_known():
    voc = get_vocabulary()
    for name in SZB_CLASSES:
        item = voc.match(name)
        assert item is not None and any(len(c) == 3 for c in item.codes), name


def test_codes():
    voc = get_vocabulary()
    assert voc.code_name("2011301") == "行政运行"
    assert voc.code_name("2010308") == "信访事务"
    assert voc.code_name("2080505") == "机关事业单位基本养老保险缴费支出"
    assert voc.code_name("2101101") == "行政单位医疗"
    assert voc.code_name("2210201") == "住房公积金"
    assert voc.code_name("30208") == "取暖费"
    assert voc.code_name("30228") == "工会经费"
    assert voc.code_name("9999999") is None
    assert set(voc.item("行政运行").codes) >= {"2010301", "2011301", "2013101"}
    assert set(voc.item("住房公积金").kinds) == {"functional", "economic"}


def test_resolve_path():
    voc = get_vocabulary()
    assert voc.resolve_path(["一般公共服务支出", "商贸事务", "行政运行"]) == "2011301"
    assert voc.resolve_path(["一般公共服务", "党委办公厅及机关机构事务", "行政运行"]) == "2013101"
    assert voc.resolve_path(["卫生健康支出", "行政事业单位医疗", "行政单位医疗"]) == "2101101"
    assert voc.resolve_path(["住房保障", "住房改革支出", "住房公积金"]) == "2210201"
    assert voc.resolve_path(["一般公共服务支出", "商贸事务", "不存在的项"]) is None


def test_find_items_longest_match_with_offsets():
    voc = get_vocabulary()
    text = "商务委2025年商贸事务行政运行预算多少？公务用车购置及运维费呢"
    found = [(i.name, text[s:e]) for i, s, e in voc.find_items(text)]
    assert found == [("商贸事务", "商贸事务"), ("行政运行", "行政运行"),
                     ("公务用车购置及运行维护费", "公务用车购置及运维费")]
    quoted = "2021年“三公”经费预算"
    assert [(i.name, quoted[s:e]) for i, s, e in voc.find_items(quoted)] == [("三公经费", "三公”经费预算")]


def test_strict_forms_only_before_class_marker():
    voc = get_vocabulary()
    assert voc.find_items("教育引导群众依法信访") == []
    assert [i.name for i, _, _ in voc.find_items("教育（类）其他教育支出（款）")] == ["教育支出", "其他教育支出"]
    assert voc.match("教育").name == "教育支出"


def test_terms_for_jieba():
    terms = get_vocabulary().terms()
    for t in ["公务用车购置及运维费", "机关运行经费", "一般公共服务支出", "“三公”经费", "行政单位医疗"]:
        assert t in terms
    assert len(terms) == len(set(terms))


def test_normalize_label():
    assert normalize_label("（一）一般公共服务（类）") == "一般公共服务"
    assert normalize_label("其中：1. 办公 费") == "办公费"
    assert normalize_label("“三公”经费") == "三公经费"
