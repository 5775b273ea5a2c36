"""Question parsing: organisation short forms, years, items, intents, units."""
from __future__ import annotations

import pytest

from budgetqa.answering.catalog import Catalog, align
from budgetqa.answering.question import parse_question
from budgetqa.core.records import StoredDocument

ORGS = [
    ("高新区群众工作中心", 2021, "部门预算"),
    ("中共广元市昭化区委群众工作局", 2020, "部门预算"),
    ("廊坊市广阳区信访局", 2022, "部门预算"),
    ("石家庄市鹿泉区信访局本级", 2021, "单位预算"),
    ("中共廊坊市委信访局", 2017, "部门预算"),
    ("上海市普陀区商务委员会", 2025, "部门预算"),
    ("上海市普陀区商务委员会", 2025, "单位预算"),
    ("上海市普陀区人民政府万里街道办事处", 2024, "部门预算"),
    ("上海市普陀区财政局", 2024, "部门决算"),
    ("中共上海市普陀区委社会工作部", 2024, "部门决算"),
]


def _doc(i: int, org: str, year: int, kind: str) -> StoredDocument:
    return StoredDocument(id=f"d{i}", name=f"d{i}.txt", path="", format="txt", org=org, year=year, kind=kind,
                          pages=1, tables=0, chunks=0, facts=0, warnings=[], ingested_at="")


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog([_doc(i, *o) for i, o in enumerate(ORGS)])


@pytest.mark.parametrize("question, org", [
    ("鹿泉区信访局2021年取暖费预算是多少？", "石家庄市鹿泉区信访局本级"),
    ("区商务委的收入预算", "上海市普陀区商务委员会"),
    ("普陀区商务委2025年收入预算是多少？", "上海市普陀区商务委员会"),
    ("商务委2025年商贸事务行政运行预算多少？", "上海市普陀区商务委员会"),
    ("广阳信访局三公经费", "廊坊市广阳区信访局"),
    ("群工局有哪些股室", "中共广元市昭化区委群众工作局"),
    ("昭化区群工局2020年住房保障支出", "中共广元市昭化区委群众工作局"),
    ("廊坊市委信访局2017年基本支出多少？", "中共廊坊市委信访局"),
    ("群众工作中心的固定资产一共多少件？", "高新区群众工作中心"),
    ("请问鹿泉区信访局的办公费", "石家庄市鹿泉区信访局本级"),
    ("河北省廊坊市委信访局的三公经费", "中共廊坊市委信访局"),
    ("区委社工部2024年决算", "中共上海市普陀区委社会工作部"),
    ("万里街道办事处2024年收入", "上海市普陀区人民政府万里街道办事处"),
    ("鹿泉2021年三公经费", "石家庄市鹿泉区信访局本级"),
])
def test_org_short_forms(catalog, question, org):
    pq = parse_question(question, catalog)
    assert pq.orgs == [org]
    assert pq.unknown_org is None


@pytest.mark.parametrize("question, unknown", [
    ("上海市信访办2022年公务接待费多少？", "上海市信访办"),
    ("石家庄市信访局2021年三公经费", "石家庄市信访局"),  # the city bureau is not the district one
    ("上海市商务委2025年三公经费", "上海市商务委"),
])
def test_unknown_org(catalog, question, unknown):
    pq = parse_question(question, catalog)
    assert pq.orgs == []
    assert pq.unknown_org == unknown


def test_ambiguous_org(catalog):
    pq = parse_question("信访局2021年三公经费", catalog)
    assert pq.orgs == []
    assert set(pq.org_candidates[0]) == {"中共廊坊市委信访局", "廊坊市广阳区信访局", "石家庄市鹿泉区信访局本级"}


def test_not_an_org(catalog):
    for q in ("2021年部门预算中办公费多少", "社会保障和就业支出是多少", "正常公用经费支出中办公费"):
        pq = parse_question(q, catalog)
        assert pq.orgs == [] and pq.unknown_org is None and pq.org_candidates == [], q


def test_alignment_rules():
    assert align("群工局", "中共广元市昭化区委群众工作局") is not None
    assert align("石家庄市信访局", "石家庄市鹿泉区信访局本级") is None  # skips a whole place inside
    assert align("鹿泉区信访局", "石家庄市鹿泉区信访局本级") == 0


@pytest.mark.parametrize("question, years, year_end, period", [
    ("鹿泉区信访局2021年三公经费", [2021], False, "current"),
    ("鹿泉区信访局21年三公经费", [2021], False, "current"),
    ("廊坊市委信访局2016年底固定资产多少？", [2016], True, "current"),
    ("广阳区信访局上年末固定资产总额", [], False, "previous"),
    ("商务委2020年到2022年三公经费变化", [2020, 2021, 2022], False, "current"),
])
def test_years(catalog, question, years, year_end, period):
    pq = parse_question(question, catalog)
    assert pq.years == years
    assert pq.year_end is year_end
    assert pq.period == period


def test_relative_year_uses_latest_document_of_the_org(catalog):
    pq = parse_question("商务委今年的三公经费", catalog)
    assert pq.years == [2025]
    assert "2025" in pq.year_note
    pq = parse_question("商务委去年的三公经费", catalog)
    assert pq.years == [2024]


@pytest.mark.parametrize("question, intent", [
    ("鹿泉区信访局2021年取暖费预算是多少？", "lookup"),
    ("鹿泉区信访局2021年预算比上年减少了多少？", "difference"),
    ("鹿泉区信访局和广阳区信访局的三公经费哪个多", "difference"),
    ("群工局2020年机关运行经费比上年下降了百分之几", "growth"),
    ("昭化区群工局2020年项目支出多少？占多少比例？", "share"),
    ("鹿泉区信访局和广阳区信访局三公经费合计多少", "sum"),
    ("2021年哪个单位三公经费最多", "ranking"),
    ("商务委2020年到2022年三公经费的变化趋势", "trend"),
    ("昭化区群工局有哪些股室？", "list"),
    ("廊坊市委信访局的主要职责有哪些？", "narrative"),
    ("信访维稳专项资金的项目编码是什么？", "narrative"),
])
def test_intents(catalog, question, intent):
    assert parse_question(question, catalog).intent == intent


def test_items_units_and_kind(catalog):
    pq = parse_question("普陀区商务委2025年科学技术支出预算多少元？", catalog)
    assert pq.items == ["科学技术支出"] and pq.unit == "元"
    pq = parse_question("鹿泉区信访局2021年三公经费多少万元", catalog)
    assert pq.unit == "万元"
    pq = parse_question("群众工作中心的固定资产一共多少件？", catalog)
    assert pq.count_unit == "件" and pq.items == ["固定资产"]
    pq = parse_question("商务委2025年商贸事务行政运行预算多少？", catalog)
    assert pq.codes == ["2011301"]  # the 款/项 path names one subject
    pq = parse_question("社会工作部2024年三公经费决算", catalog)
    assert pq.kind_hint == "决算"
    pq = parse_question("廊坊市委信访局2017年处置非访、突发性及群体性事件安排多少钱？", catalog)
    assert pq.items == [] and "处置非访" in pq.topic and "群体性事件" in pq.topic


def test_whole_budget_means_the_total(catalog):
    pq = parse_question("广阳区信访局2019年预算是多少？", catalog)
    assert pq.items == ["收支总额"] and pq.years == [2019]


# --- unknown organisations: only a phrase standing as the subject organisation -------------------

@pytest.mark.parametrize("question, org, topic_word", [
    # opened by a known organisation: a unit / task of it, not another organisation
    ("鹿泉区信访局加强群众工作中心建设的绩效目标是什么？", "石家庄市鹿泉区信访局本级", "群众工作中心"),
    ("鹿泉区信访局群众来访接待中心的职责", "石家庄市鹿泉区信访局本级", "接待中心"),
    # opened by the place a known organisation administers (…万里街道办事处): its project or unit
    ("万里街道社区公共服务中心新建工程建成后做什么用？", "上海市普陀区人民政府万里街道办事处", "社区公共服务中心"),
    ("普陀区万里街道城运中心的预算是多少", "上海市普陀区人民政府万里街道办事处", "城运中心"),
    ("万里社区服务中心做什么用", "上海市普陀区人民政府万里街道办事处", "社区服务中心"),
    # no place: what the question is about, since a known organisation is named
    ("万里街道为什么要新建社区公共服务中心？", "上海市普陀区人民政府万里街道办事处", "社区公共服务中心"),
    ("普陀区财政局新建社区服务站做什么用", "上海市普陀区财政局", "社区服务站"),
])
def test_a_unit_or_project_of_a_known_org_is_no_unknown_org(catalog, question, org, topic_word):
    pq = parse_question(question, catalog)
    assert pq.orgs == [org]
    assert pq.unknown_org is None
    assert topic_word in pq.topic


@pytest.mark.parametrize("question, unknown, orgs", [
    ("普陀区教育局2025年部门预算是多少？", "普陀区教育局", []),  # the place's other bureau
    ("上海市普陀区教育局2025年预算", "上海市普陀区教育局", []),
    ("中共普陀区委宣传部2024年决算", "中共普陀区委宣传部", []),  # not the 区委's 社会工作部
    ("石家庄市信访局2021年三公经费是多少？", "石家庄市信访局", []),
    ("普陀区财政局和普陀区教育局三公经费对比", "普陀区教育局", ["上海市普陀区财政局"]),
    ("社区服务中心2024年预算是多少", "社区服务中心", []),  # no known organisation named: the subject
])
def test_unknown_org_standing_as_subject(catalog, question, unknown, orgs):
    pq = parse_question(question, catalog)
    assert pq.unknown_org == unknown
    assert pq.orgs == orgs


def test_leading_places(catalog):
    assert catalog.leading_places("上海市普陀区教育局") == [(0, 3), (3, 6)]
    assert catalog.leading_places("中共普陀区委宣传部") == [(2, 5)]
    assert catalog.leading_places("要新建社区公共服务中心") == []  # '社区' is no place name
    assert catalog.leading_places("城市管理中心") == []


def test_chinese_years_and_recent_years(catalog):
    assert parse_question("商务委二〇二四年三公经费", catalog).years == [2024]
    assert parse_question("商务委近两年三公经费", catalog).years == [2024, 2025]
    assert parse_question("商务委近十年三公经费", catalog).years == list(range(2016, 2026))  # '十' once crashed


@pytest.mark.parametrize("q, n", [("鹿泉区信访局近十年的三公经费", 10), ("鹿泉区信访局近两年的三公经费", 2),
                                  ("鹿泉区信访局近3年的三公经费", 3), ("鹿泉区信访局近十五年的三公经费", 15)])
def test_recent_years_in_chinese_numerals(catalog, q, n):
    """'近十年' crashed with int('十'); the count is read by the one number reader."""
    pq = parse_question(q, catalog)
    assert pq.years == list(range(2021 - n + 1, 2022)) and pq.intent == "trend"
