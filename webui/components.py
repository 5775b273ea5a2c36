"""Streamlit pieces shared by the pages: an answer with its sources, a citation, a chart."""
from __future__ import annotations

import logging
from typing import Any

import streamlit as st

from budgetqa.webui import formatting as fmt
from budgetqa.webui.highlight import highlight_html
from budgetqa.webui.page_image import render_page_png

log = logging.getLogger(__name__)

QUOTE_STYLE = (
    "border-left:4px solid #f0b400;background:#fffbea;padding:0.6rem 0.9rem;margin:0.3rem 0 0.6rem 0;"
    "white-space:normal;line-height:1.7;color:#222"
)
MAX_PAGE_IMAGES = 6  # per answer: page images are rendered for its first citations only


def render_answer(answer: dict, docs_by_name: dict[str, Any], show_images: bool = True) -> None:
    """The answer text, how it was understood, arithmetic, chart, notices and its checkable sources."""
    status = answer.get("status")
    st.markdown(fmt.answer_markdown(answer.get("answer") or ""))
    meta = [f"状态：{fmt.STATUS_LABELS.get(status, status)}"]
    if answer.get("interpretation"):
        meta.append("理解为：" + fmt.literal(str(answer["interpretation"]).removeprefix("理解为：")))
    if answer.get("mode") and answer["mode"] != "template":
        meta.append(fmt.MODE_LABELS.get(answer["mode"], answer["mode"]))
    st.caption(" ｜ ".join(meta))
    if fmt.show_computed(answer):
        st.markdown("**计算过程**")
        st.code(answer["computed"], language=None)
    render_chart(answer.get("facts") or [])
    for notice in answer.get("notices") or []:
        st.warning(fmt.literal(notice), icon=":material/warning:")
    citations = answer.get("citations") or []
    if citations:
        st.markdown(f"**来源（{len(citations)}）** — 点开可查看原文，引用的数字已高亮")
        for i, c in enumerate(citations, 1):
            c = fmt.as_dict(c)
            render_citation(c, i, docs_by_name, fmt.targets_for_citation(answer, c),
                            show_image=show_images and i <= MAX_PAGE_IMAGES)
    elif status == "answered":
        st.caption("（此回答没有附来源）")


def render_citation(c: dict, number: int, docs_by_name: dict[str, Any], targets: set,
                    show_image: bool = True) -> None:
    """One source as an expander: the quote with `targets` marked, where it is, and the PDF page image."""
    with st.expander(fmt.citation_title(c, number), expanded=False):
        quote = c.get("quote") or ""
        st.markdown(f'<div style="{QUOTE_STYLE}">{highlight_html(quote, targets)}</div>', unsafe_allow_html=True)
        st.markdown(citation_details(c))
        doc = docs_by_name.get(c.get("doc"))
        if show_image and doc is not None and doc.format == "pdf" and c.get("page"):
            png = render_page_png(doc.path, int(c["page"]), quote, frozenset(targets), crop=True)
            if png:
                st.image(png, caption=f"{doc.name} 第{c['page']}页（局部）：黄框为引用段落，红框为引用数字",
                         width="stretch")
            else:
                st.caption("（无法显示该页图片：原文件不可读或已移动）")


def citation_details(c: dict) -> str:
    lines = [f"- 文件：{fmt.literal(c.get('doc') or '（未知）')}"]
    lines.append(f"- 页码：第{c['page']}页" if c.get("page") else "- 页码：（文本文件，无页码）")
    if c.get("locator"):
        lines.append(f"- 位置：{fmt.literal(c['locator'])}")
    return "\n".join(lines)


def render_chart(facts: list[dict]) -> None:
    rows = fmt.chart_rows(facts)
    if not rows:
        return
    data, unit = rows
    import altair as alt
    import pandas as pd

    frame = pd.DataFrame(data)
    color = alt.Color("item:N", title="项目") if frame["item"].nunique() > 1 else alt.value("#4c78a8")
    base = alt.Chart(frame).encode(
        x=alt.X("label:N", title=None, sort=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("value:Q", title=unit or "数值"),
        tooltip=[alt.Tooltip("label:N", title="对象"), alt.Tooltip("text:N", title=unit or "数值")],
    )
    bars = base.mark_bar().encode(color=color)
    labels = base.mark_text(dy=-8, fontSize=13).encode(text="text:N")  # the exact printed values
    chart = (bars + labels).properties(height=260)
    st.altair_chart(chart, width="stretch")
