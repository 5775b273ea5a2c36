"""Audit page (full mode): consistency findings of the audit rules, per document, with evidence."""
from __future__ import annotations

import logging
from typing import Any

import streamlit as st

from webui import components, formatting as fmt, services

log = logging.getLogger(__name__)

SEVERITY_ORDER = {"确定": 0, "疑似": 1, "提示": 2}
SEVERITY_ICON = {"确定": "🔴", "疑似": "🟠", "提示": "🔵"}


def group_findings(findings: list[Any]) -> dict[str, list[Any]]:
    """Findings per document, most severe first; documents in name order."""
    out: dict[str, list[Any]] = {}
    for f in findings:
        out.setdefault(getattr(f, "doc", None) or "（多文件）", []).append(f)
    for items in out.values():
        items.sort(key=lambda f: (SEVERITY_ORDER.get(getattr(f, "severity", ""), 9), getattr(f, "page", None) or 0))
    return dict(sorted(out.items()))


def _load_run_audit():
    try:
        from audit import run_audit
    except ImportError:
        return None
    return run_audit


def render() -> None:
    settings = services.load_settings()
    st.title("一致性审核")
    run_audit = _load_run_audit()
    if run_audit is None:
        st.info("审核模块尚未安装，暂时无法显示审核结果。")
        return
    store = services.store(settings)
    docs = store.list_documents()
    names = [d.name for d in docs]
    chosen = st.multiselect("审核哪些文件", names, placeholder="全部文件", key="audit_docs")
    try:
        findings = run_audit(store, doc_names=chosen or None)
    except Exception:
        log.exception("audit failed")
        st.error("审核运行失败，请查看日志。")
        return
    counts = {s: sum(getattr(f, "severity", "") == s for f in findings) for s in SEVERITY_ORDER}
    cols = st.columns(len(counts))
    for col, (sev, n) in zip(cols, counts.items()):
        col.metric(f"{SEVERITY_ICON[sev]} {sev}", n)
    if not findings:
        st.success("没有发现问题。")
        return
    by_name = {d.name: d for d in docs}
    for doc, items in group_findings(findings).items():
        st.subheader(f"{doc}（{len(items)}）")
        for i, f in enumerate(items):
            _finding(f, f"{doc}-{i}", by_name)


def _finding(f: Any, key: str, by_name: dict) -> None:
    sev = getattr(f, "severity", "")
    page = f"第{f.page}页 · " if getattr(f, "page", None) else ""
    with st.container(border=True):  # citations inside are expanders, which cannot be nested in one
        st.markdown(f"{SEVERITY_ICON.get(sev, '•')} **[{sev}]** {page}`{getattr(f, 'rule', '')}`　{f.message}")
        values = getattr(f, "values", None)
        if values:
            st.markdown("**相关数字**")
            st.json(_jsonable(values), expanded=True)
        citations = [fmt.as_dict(c) for c in getattr(f, "citations", None) or []]
        pseudo = {"answer": f.message, "facts": [], "citations": citations}
        for j, c in enumerate(citations, 1):
            components.render_citation(pseudo, c, j, f"{key}-{j}", by_name)


def _jsonable(values: Any) -> Any:
    if isinstance(values, dict):
        return {str(k): _jsonable(v) for k, v in values.items()}
    if isinstance(values, (list, tuple)):
        return [_jsonable(v) for v in values]
    return values if isinstance(values, (int, float, str, bool, type(None))) else str(values)


if __name__ == "__main__":
    render()
