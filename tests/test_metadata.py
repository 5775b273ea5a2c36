"""Metadata (org, year, kind) inferred from content, golden on all 11 shared documents."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from budgetqa.core.records import DocMeta, Document, Page
from budgetqa.ingest.loader import load_document
from budgetqa.ingest.metadata import infer_metadata
from tests.conftest import pdf, seed
from tests.test_loaders import load  # shared per-session cache of loaded documents

GOLDEN = [
    ("seed", "000", "高新区群众工作中心", 2021, "部门预算"),
    ("seed", "001", "中共广元市昭化区委群众工作局", 2020, "部门预算"),
    ("seed", "002", "廊坊市广阳区信访局", 2022, "部门预算"),
    ("seed", "003", "石家庄市鹿泉区信访局本级", 2021, "单位预算"),
    ("seed", "004", "中共廊坊市委信访局", 2017, "部门预算"),
    ("pdf", "商务委员会25年预算", "上海市普陀区商务委员会", 2025, "部门预算"),
    ("pdf", "商务委员会单位25年预算", "上海市普陀区商务委员会", 2025, "单位预算"),
    ("pdf", "万里街道办事处24年预算", "上海市普陀区人民政府万里街道办事处", 2024, "部门预算"),
    ("pdf", "财政局2024年度部门决算", "上海市普陀区财政局", 2024, "部门决算"),
    ("pdf", "社会工作部2024年度部门决算", "中共上海市普陀区委社会工作部", 2024, "部门决算"),
    ("pdf", "部门决算模板", None, 2024, "部门决算"),
]


def _path(kind: str, key: str) -> Path:
    return seed(key) if kind == "seed" else pdf(key)


@pytest.mark.parametrize("kind,key,org,year,doc_kind", GOLDEN, ids=[g[1] for g in GOLDEN])
def test_golden_metadata(kind, key, org, year, doc_kind):
    doc = load(_path(kind, key))
    assert (doc.meta.org, doc.meta.year, doc.meta.kind) == (org, year, doc_kind)
    if org is None:
        assert any("模板" in w and "XX" in w for w in doc.warnings), doc.warnings
    else:
        assert not any("未能识别" in w or "模板" in w for w in doc.warnings), doc.warnings


def test_metadata_ignores_the_file_name(tmp_path, settings):
    renamed = tmp_path / "随便起的名字.pdf"
    shutil.copy(pdf("财政局2024年度部门决算"), renamed)
    copy = tmp_path / "2099年某某局单位决算.txt"
    shutil.copy(seed("002"), copy)
    assert load_document(renamed, settings).meta == DocMeta("上海市普陀区财政局", 2024, "部门决算")
    assert load_document(copy, settings).meta == DocMeta("廊坊市广阳区信访局", 2022, "部门预算")


def _doc(text: str) -> Document:
    return Document(path="/x/a.txt", name="a.txt", sha256="0" * 64, format="txt", pages=[Page(1, text)])


def test_unknown_metadata_is_none_with_chinese_warnings():
    meta, warnings = infer_metadata(_doc("关于做好信访工作的通知\n一、总体要求\n各单位要认真落实预算管理规定。"))
    assert meta == DocMeta(None, None, None)
    assert "未能识别机构名称" in warnings and "未能识别年度" in warnings
    assert any(w.startswith("未能识别文件类型") for w in warnings)


def test_not_a_budget_document_is_other():
    meta, warnings = infer_metadata(_doc("会议纪要\n2023年3月1日召开会议，讨论了工作安排。"))
    assert meta.kind == "other" and meta.year is None  # a date in passing is not a fiscal year
    assert any("不像预决算公开文件" in w for w in warnings)


@pytest.mark.parametrize("text,expected", [
    ("预算单位：某某县教育局\n2023年单位预算", DocMeta(None, 2023, "单位预算")),  # placeholder 某某
    ("编制部门：湖州市财政局 单位：万元\n收支预算总表", DocMeta("湖州市财政局", None, None)),
    ("湖州市审计局\n2019 年度部门决算\n第一部分 概况\n", DocMeta("湖州市审计局", 2019, "部门决算")),
    ("部门预算公开\n一、基本情况\n本局预算年度：2022\n南浔区档案馆为正科级事业单位，下设两个科室。",
     DocMeta("南浔区档案馆", 2022, "部门预算")),
    ("关于嘉兴市民政局二〇二三年部门预算的说明\n一、概况", DocMeta("嘉兴市民政局", 2023, "部门预算")),
    ("2020年部门决算\n301001 某区卫生健康委员会本级\n301002 某区疾病预防控制中心\n", DocMeta(None, 2020, "部门决算")),
])
def test_rules_on_small_texts(text, expected):
    meta, _ = infer_metadata(_doc(text))
    assert meta == expected


def test_aliases_declared_by_the_document_are_read():
    """'加挂上海市普陀区经济委员会、…牌子': questions naming the other name find the organisation."""
    doc = load(pdf("商务委员会25年预算"))
    assert "上海市普陀区经济委员会" in doc.meta.aliases
    assert "上海市普陀区粮食和物资储备局" in doc.meta.aliases


def test_alias_patterns():
    from budgetqa.ingest.aliases import declared_aliases

    assert declared_aliases("某某局（以下简称“区群工局”）负责") == ["区群工局"]
    assert declared_aliases("加挂区信访局和区群众工作中心牌子") == ["区信访局", "区群众工作中心"]
    assert declared_aliases("没有别名的正文。") == []
