"""Facts page: browse and filter the fact store; download the selection as CSV or XLSX."""
from __future__ import annotations

import logging
import tempfile
from pathlib import Path

import streamlit as st

from budgetqa.webui import services

log = logging.getLogger(__name__)

SHOWN_COLUMNS = ["org", "year", "statement", "item", "code", "row_label", "column_label", "value_text", "unit",
                 "doc", "page", "locator"]
MAX_ROWS_SHOWN = 5000


def export_bytes(rows: list[dict], suffix: str) -> bytes:
    """The rows exported by budgetqa.retrieval.fact_export (same columns as `budgetqa facts --out`)."""
    from budgetqa.retrieval.fact_export import export_facts

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"facts{suffix}"
        export_facts(rows, path)
        return path.read_bytes()


STATEMENT_ZH = {"narrative": "正文"}


def display_row(row: dict, headers: dict[str, str]) -> dict:
    """A fact row for the grid: Chinese headers, empty cells for missing values, '正文' for narrative."""
    out = {}
    for c in SHOWN_COLUMNS:
        value = row.get(c)
        if c == "statement":
            value = STATEMENT_ZH.get(value, value)
        out[headers[c]] = "" if value is None and c not in ("year", "page") else value
    return out


def render() -> None:
    from budgetqa.retrieval.fact_export import HEADERS_ZH, fact_rows

    settings = services.load_settings()
    store = services.store(settings)
    st.title("数字库")
    st.caption("从已导入文件中抽取的每一个数字，都带有文件、页码与表格位置。")
    docs = store.list_documents()
    orgs = sorted({d.org for d in docs if d.org})
    years = sorted({d.year for d in docs if d.year}, reverse=True)
    c1, c2, c3, c4 = st.columns(4)
    org = c1.selectbox("机构", [None, *orgs], format_func=lambda o: o or "全部机构", key="facts_org")
    year = c2.selectbox("年度", [None, *years], format_func=lambda y: f"{y}年" if y else "全部年度", key="facts_year")
    item = c3.text_input("标准项目", placeholder="如：三公经费", key="facts_item").strip() or None
    code = c4.text_input("科目编码（前缀）", placeholder="如：201", key="facts_code").strip() or None
    try:
        rows = fact_rows(store, org=org, year=year, item=item, code=code)
    except Exception:
        log.exception("fact query failed")
        st.error("查询数字库失败。")
        return
    st.write(f"共 **{len(rows)}** 个数字" + (f"（显示前 {MAX_ROWS_SHOWN} 个）" if len(rows) > MAX_ROWS_SHOWN else ""))
    if not rows:
        st.info("没有符合条件的数字。")
        return
    shown = [display_row(r, HEADERS_ZH) for r in rows[:MAX_ROWS_SHOWN]]
    st.dataframe(shown, hide_index=True, width="stretch",
                 column_config={HEADERS_ZH["year"]: st.column_config.NumberColumn(format="%d")})
    d1, d2 = st.columns(2)
    name = "facts" + "".join(f"_{x}" for x in (org, year, item, code) if x)
    d1.download_button("下载 CSV", lambda: export_bytes(rows, ".csv"), file_name=f"{name}.csv", mime="text/csv",
                       key="facts_csv", on_click="ignore")
    d2.download_button(
        "下载 Excel (XLSX)", lambda: export_bytes(rows, ".xlsx"), file_name=f"{name}.xlsx", key="facts_xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", on_click="ignore",
    )


if __name__ == "__main__":  # run by st.navigation as a page script: use the module itself
    from budgetqa.webui.pages import facts

    facts.render()
