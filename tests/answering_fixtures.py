"""Hand-built documents and facts for answering tests (no ingestion needed)."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from budgetqa.core.records import Chunk, DocMeta, Document, Fact, Page
from budgetqa.store.side_store import SideStore

_SCALE = {"元": Decimal(1), "万元": Decimal(10000), "亿元": Decimal(100000000)}


def fact(doc_id: str, row: str, value: str, unit: str = "万元", *, col: str = "", item: str | None = None,
         code: str | None = None, page: int | None = None, table_index: int | None = 0, period: str = "current",
         statement: str = "收支总表", quote: str | None = None, org: str | None = None, year: int | None = None,
         row_index: int | None = 1) -> Fact:
    v = Decimal(value.replace(",", ""))
    return Fact(
        doc_id=doc_id, org=org, year=year, doc_kind="预算", statement=statement, item=item, row_label=row,
        column_label=col, code=code, value_text=value, value=v, unit=unit,
        value_yuan=v * _SCALE[unit] if unit in _SCALE else None, page=page, table_index=table_index,
        row_index=row_index if table_index is not None else None, col_index=1 if table_index is not None else None,
        quote=quote or f"{row} {value}", locator=f"{statement} / {row} / {col or '合计'}" if table_index is not None
        else "正文", period=period,
    )


def add_doc(store: SideStore, name: str, org: str, year: int, kind: str, facts: list[Fact],
            texts: list[str] = (), paged: bool = False) -> str:
    doc_id = (name.encode().hex() * 4)[:64]
    for f in facts:
        f.doc_id = doc_id
        f.org = f.org or org
        f.year = f.year or year
    body = "\n".join(texts) or name
    doc = Document(path=f"/corpus/{name}", name=name, sha256=doc_id, format="pdf" if paged else "txt",
                   pages=[Page(1, body)], meta=DocMeta(org, year, kind), paged=paged)
    chunks = [Chunk(doc_id, i, t, 1 if paged else None, "正文", 0, len(t)) for i, t in enumerate(texts)]
    store.replace_document(doc, chunks, facts)
    return doc_id


def build_store(path: Path) -> SideStore:
    """Two 信访局 (2021 单位预算 in 万元, 2022 部门预算), one 商务委 (2025, 元 tables + narrative)."""
    store = SideStore(path)
    add_doc(store, "luquan2021.txt", "石家庄市鹿泉区信访局本级", 2021, "单位预算", [
        fact("", "收入总计", "451.83", item="收入总计", statement="单位预算收支总表", row_index=33),
        fact("", "支出总计", "451.83", item="支出总计", statement="单位预算收支总表", row_index=33),
        fact("", "取暖费", "7.09", col="合计", item="取暖费", code="30208", statement="基本支出表", table_index=6,
             row_index=14),
        fact("", "取暖费", "7.09", col="公用经费", item="取暖费", code="30208", statement="基本支出表", table_index=6,
             row_index=14),
        fact("", "合计", "3.7", item="三公经费", statement="三公经费支出表", table_index=9),
        fact("", "公务用车购置费", "0", item="公务用车购置费", statement="三公经费支出表", table_index=9, row_index=4),
        fact("", "机关运行经费", "68.71", item="机关运行经费", table_index=None, statement="narrative",
             quote="2021年，我单位机关运行经费共计安排68.71万元，主要用于日常维修。"),
        fact("", "单位预算收支安排", "53.49", item="收支总额", table_index=None, statement="narrative", period="change",
             quote="2021年单位预算收支安排451.83万元，较2020年减少53.49万元，其中：基本支出减少28.03万元"),
    ], texts=["区信访局下设办公室、接待科两个科室。", "2021年，我单位机关运行经费共计安排68.71万元，主要用于日常维修。"])
    add_doc(store, "guangyang2022.txt", "廊坊市广阳区信访局", 2022, "部门预算", [
        fact("", "三公经费", "2.19", item="三公经费", table_index=None, statement="narrative",
             quote="2022年，我局财政拨款“三公”经费预算安排2.19万元。"),
        fact("", "机关运行经费", "28.47", item="机关运行经费", table_index=None, statement="narrative",
             quote="2022年，我局机关运行经费共计安排28.47万元。"),
        fact("", "资产总额", "87.22", item="固定资产", statement="固定资产占用情况表", table_index=3, period="previous"),
        fact("", "支出总计", "614.21", item="支出总计", statement="部门收支总表"),
    ])
    add_doc(store, "shangwu2025.pdf", "上海市普陀区商务委员会", 2025, "部门预算", [
        fact("", "收入总计", "371,514,655.00", "元", item="收入总计", statement="部门财务收支预算总表", page=9),
        fact("", "科学技术支出", "17,200,000.00", "元", item="科学技术支出", code="206", page=9,
             statement="部门财务收支预算总表", row_index=2),
        fact("", "收入预算", "37,151.47", "万元", item="收入总计", page=7, table_index=None, statement="narrative",
             quote="2025年，上海市普陀区商务委员会收入预算37,151.47万元"),
        fact("", "合计", "1.00", item="三公经费", page=21, statement="三公经费和机关运行经费预算表", table_index=9),
    ], paged=True)
    add_doc(store, "shangwu2025_unit.pdf", "上海市普陀区商务委员会", 2025, "单位预算", [
        fact("", "收入总计", "300,000,000.00", "元", item="收入总计", statement="单位财务收支预算总表", page=8),
    ], paged=True)
    return store
