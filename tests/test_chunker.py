"""Section-aware chunking (ingest/chunker.py): which lines are headings, and the section of every chunk."""
from __future__ import annotations

from functools import lru_cache

import pytest

from budgetqa.core.settings import Settings
from budgetqa.ingest.chunker import chunk_document
from budgetqa.ingest.headings import HeadingReader, heading_level
from budgetqa.ingest.loader import load_document
from tests.conftest import PDFS, pdf, seed


@lru_cache(maxsize=None)
def _chunks(path):
    settings = Settings(embedding_model="hash")
    return tuple(chunk_document(load_document(path, settings), settings))


def sections(path, page: int) -> set[str]:
    return {c.section for c in _chunks(path) if c.page == page and c.kind == "text"}


# --- the heading reader ---------------------------------------------------------------------------------

@pytest.mark.parametrize("line, level", [
    ("一、部门主要职能", 0), ("第三部分 名词解释", 0), ("（二）支出预算情况", 1), ("2、支出说明", 2),
    ("（一）“三公”经费财政拨款支出决算总体情况说明。", 1), ("名词解释", 0), ("2024年部门预算编制说明", 0),
    ("上海市普陀区商务委员会机构设置", 0), ("中共上海市普陀区委社会工作部 2024 年度部门决算表", 0),
])
def test_headings(line, level):
    assert heading_level(line) == level


@pytest.mark.parametrize("line", [
    "（二）事业收入：指事业单位开展专业业务活动及其辅助活动取得的收入。",  # a definition
    "6、承办区委交办的其他事项。",  # a list item
    "一、部门主要职能……………………………………3",  # a table-of-contents entry
    "1、强化组织推动。成立由局主要领导任组长的领导小组",
    "单位：万元",
])
def test_not_headings(line):
    assert heading_level(line) is None


def test_the_next_item_of_a_list_of_body_text_is_no_heading():
    reader = HeadingReader()
    assert reader.read("八、维护社区平安。承担辖区社会治安综合治理有关工作，处理群众来信来访。") is None
    assert reader.read("九、承办区委、区政府交办的其他事项。") is None  # short, but the list goes on
    assert reader.read("一、2024年“三公”经费预算情况说明") == (0, "一、2024年“三公”经费预算情况说明")  # a new list


def test_a_numbered_line_running_on_is_judged_with_its_continuation():
    reader = HeadingReader()
    assert reader.read("3、一般公共服务支出（类）社会工作事务（款）其他社会工作", wraps=True,
                       next_line="事务支出（项）。主要用于：新建部门开办费、基层政权和社区建") is None
    assert reader.read("第三部分 上海市普陀区财政局2024年度部门决算情况", wraps=True, next_line="说明") is not None
    assert reader.read("4、社会保障和就业支出（类）行政事业单位养老支出（款）机", wraps=True, next_line=None) is None


def test_figures_make_a_numbered_line_a_sentence_for_fact_extraction_only():
    assert HeadingReader().read("（一）公务用车购置及运行费4.5万元") is not None
    assert HeadingReader(figures=False).read("（一）公务用车购置及运行费4.5万元") is None


# --- chunks of the shared PDFs --------------------------------------------------------------------------

pytestmark_pdf = pytest.mark.skipif(not PDFS.is_dir(), reason="shared PDFs not available")
WL = "万里街道办事处24年预算"


@pytestmark_pdf
def test_each_chunk_carries_the_heading_in_force():
    """万里街道: the list of duties (p.3) and the 名词解释 items (p.5) open no sections; later pages carry the
    title of their own part."""
    path = pdf(WL)
    assert sections(path, 4) == {"上海市普陀区人民政府万里街道办事处（部门）机构设置"}
    assert sections(path, 5) == {"名词解释"}
    for page in (6, 7, 8, 9):
        assert sections(path, page) == {"2024年部门预算编制说明"}, page
    assert not [c for c in _chunks(path) if "九、承办" in c.section or "事业收入" in c.section]
    assert "一、2024年“三公”经费预算情况说明" in sections(path, 32)


@pytestmark_pdf
def test_list_items_of_a_final_account_are_not_sections():
    path = pdf("社会工作部2024年度部门决算")
    for page in (18, 19, 20):
        assert all(not s.split(" > ")[-1][:2].rstrip("、").isdigit() for s in sections(path, page)), page
    assert sections(pdf("商务委员会25年预算"), 5) == {"上海市普陀区商务委员会机构设置"}


def test_seed_sections_are_unchanged_for_well_formed_headings():
    path = seed("000")
    assert any(c.section == "三、机关运行经费情况及增减变化说明" for c in _chunks(path))
    assert any(c.section == "五、绩效信息 > （二）分项绩效目标 > 1、全年信访数量保持同比下降" for c in _chunks(path))
