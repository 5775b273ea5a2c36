"""Documents page: what the assistant knows (organisation, year, kind, pages, facts) and what to watch."""
from __future__ import annotations

import logging

import streamlit as st

from budgetqa.core.meta_override import describe_sources
from budgetqa.webui import formatting as fmt, services

log = logging.getLogger(__name__)


def document_rows(store, docs) -> list[dict]:
    """One row per stored document, with the pages that would need OCR counted in its warnings."""
    rows = []
    for d in docs:
        try:
            ocr = store.ocr_pages(d.id)
        except Exception:
            log.exception("cannot read OCR pages of %s", d.name)
            ocr = []
        notes = list(d.warnings)
        if ocr and not any("OCR" in n for n in notes):  # the loader usually says so already
            pages = "、".join(map(str, ocr[:10])) + ("…" if len(ocr) > 10 else "")
            notes.insert(0, f"{len(ocr)} 页需要OCR（第{pages}页），这些页的内容无法检索")
        rows.append({
            "文件": d.name, "机构": d.org or "（未识别）", "年度": d.year, "类型": d.kind or "（未识别）",
            "信息来源": "；".join(describe_sources(getattr(d, "meta_sources", None))) or "文件内容",
            "格式": d.format.upper(), "页数": d.pages, "需OCR页": len(ocr), "表格": d.tables, "数字": d.facts,
            "文本块": d.chunks,
            "提示": "；".join(notes), "导入时间（UTC）": (d.ingested_at or "")[:16].replace("T", " "),
        })
    return rows


def render() -> None:
    settings = services.load_settings()
    store = services.store(settings)
    st.title("资料目录")
    try:
        docs = store.list_documents()
    except Exception:
        log.exception("cannot list documents")
        st.error("暂时无法读取资料库。")
        return
    if not docs:
        st.info("资料库还是空的。")
        return
    rows = document_rows(store, docs)
    c1, c2, c3 = st.columns(3)
    c1.metric("文件", len(docs))
    c2.metric("机构", len({d.org for d in docs if d.org}))
    c3.metric("可引用的数字", sum(d.facts for d in docs))
    st.dataframe(rows, hide_index=True, width="stretch",
                 column_config={"年度": st.column_config.NumberColumn(format="%d")})
    flagged = [r for r in rows if r["提示"]]
    if flagged:
        st.subheader("需要注意")
        for r in flagged:
            st.warning(f"**{fmt.literal(r['文件'])}**：{fmt.literal(r['提示'])}")


if __name__ == "__main__":  # run by st.navigation as a page script: use the module itself
    from budgetqa.webui.pages import documents

    documents.render()
