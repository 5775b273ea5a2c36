"""The printed layout read once at ingest (ingest/layout.py): one heading numbering, the page text width stored
with every chunk, and stores made before it was stored."""
from __future__ import annotations

import sqlite3
from importlib import resources

import pytest

from budgetqa.answering.section_lists import items_after
from budgetqa.answering.units import build_units
from budgetqa.core.records import Chunk, Document, Page, Passage
from budgetqa.core.settings import Settings
from budgetqa.ingest.chunker import chunk_document
from budgetqa.ingest.headings import HeadingReader
from budgetqa.ingest.layout import line_width, marker_level, running_width, runs_on, wraps
from budgetqa.ingest.loader import load_document
from budgetqa.store.side_store import SideStore
from tests.conftest import PDFS, pdf, seed


@pytest.mark.parametrize("line", ["一、部门主要职能", "第三部分 名词解释", "（二）支出预算情况", "2、支出说明",
                                  "（3）公务接待费"])
def test_one_heading_numbering_for_ingest_and_answering(line):
    assert HeadingReader().read(line)[0] == marker_level(line)


def test_quotes_print_no_wider_than_their_neighbours():
    """社会工作部 p.21: a line with four quote marks sets no wider text width than the lines around it."""
    assert line_width("绩效评级为“良”") == 6 + 2 * 0.5
    page = ["展情况如下：本部门建立了如下预算绩效管理制度：严格贯彻落实", "《上海市预算绩效管理实施办法》和本区“预算绩效管理实施办法”，",
            "效跟踪评价的 2024 年度项目 1 个，涉及预算金额 175.52 万元；绩", "分 100.00 分（其中，绩效评级为“优”的项目 1 个；绩效评级为“良”"]
    width = running_width("\n".join(page))
    assert width == 30.5
    assert wraps(page[0], page[1], width)  # the first line wraps: the quote is cut mid-sentence otherwise


def test_the_wrapped_line_rules_agree_on_a_running_line():
    width = 40.0
    line = "机关运行经费支出184.65万元，比2023年度增加2.55万元，增长1.40%，主要原因是"
    assert runs_on(line, width) and wraps(line, "优化办公环境。", width)
    assert not runs_on("机关运行经费支出184.65万元。", width)
    assert not wraps("机关运行经费支出184.65万元。", "优化办公环境。", width)


def test_items_under_a_numbered_heading_go_down_to_its_sub_items():
    """'1、内设机构' lists its '（1）' items: a lower level of the one numbering, not a sibling heading."""
    text = "1、内设机构\n（1）办公室\n（2）群众来访接待中心\n2、人员情况"
    chunk = Chunk("d" * 64, 0, text, None, "正文", 0, len(text))
    units = build_units([Passage(chunk, "a.txt", None, None, None, 0.0)], {})
    head = next(u for u in units if u.text == "1、内设机构")
    assert [u.text for u in items_after(head, units, 10)] == ["（1）办公室", "（2）群众来访接待中心"]


@pytest.mark.skipif(not PDFS.is_dir(), reason="shared PDFs not available")
def test_chunks_carry_their_pages_text_width():
    settings = Settings(embedding_model="hash")
    chunks = chunk_document(load_document(pdf("财政局2024年度部门决算"), settings), settings)
    widths = {c.page: c.text_width for c in chunks}
    assert all(w is not None and 20 < w < 80 for w in widths.values())
    assert len({c.text_width for c in chunks if c.page == 3}) == 1  # one width per page
    unpaged = chunk_document(load_document(seed("000"), settings), settings)
    assert {c.text_width for c in unpaged} == {None}


def test_the_width_is_stored_and_read_back(tmp_path):
    store = SideStore(tmp_path / "s.sqlite")
    doc = Document(path="/x/a.pdf", name="a.pdf", sha256="a" * 64, format="pdf", pages=[Page(1, "正文")], paged=True)
    store.replace_document(doc, [Chunk(doc.id, 0, "正文", 1, "正文", 0, 2, text_width=38.5),
                                 Chunk(doc.id, 1, "正文", 1, "正文", 0, 2)], [])
    assert [c.text_width for c in store.chunks()] == [38.5, None]


def test_a_store_made_before_the_width_was_stored_opens_with_its_chunks(tmp_path):
    path = tmp_path / "old.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE _migrations (number INTEGER PRIMARY KEY, name TEXT, applied_at TEXT)")
    folder = resources.files("budgetqa.store").joinpath("migrations")
    for number, name in ((1, "001_documents_chunks.sql"), (2, "002_facts.sql")):
        conn.executescript(folder.joinpath(name).read_text(encoding="utf-8"))
        conn.execute("INSERT INTO _migrations VALUES (?, ?, '')", (number, name))
    conn.execute("INSERT INTO documents (id, name, path, format, pages, ingested_at) VALUES ('d', 'a.pdf', '/a.pdf',"
                 " 'pdf', 1, '')")
    conn.execute("INSERT INTO chunks (id, doc_id, ordinal, text, page, char_start, char_end) VALUES"
                 " ('d-00000', 'd', 0, '正文', 1, 0, 2)")
    conn.commit()
    conn.close()
    store = SideStore(path)
    chunks = store.chunks()
    assert [(c.text, c.text_width) for c in chunks] == [("正文", None)]  # kept; the width is not known
