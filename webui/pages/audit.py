"""Audit page (full mode): consistency findings of the audit rules, per document, with evidence."""
from __future__ import annotations

import logging
from typing import Any

import streamlit as st

from budgetqa.audit import RULES, run_audit
from budgetqa.webui import components, formatting as fmt, services
from budgetqa.webui.highlight import target_values

log = logging.getLogger(__name__)

SEVERITY_ORDER = {"确定": 0, "疑似": 1, "提示": 2}
SEVERITY_ICON = {"确定": ":red[:material/error:]", "疑似": ":orange[:material/warning:]", "提示": ":blue[:material/info:]"}


def group_findings(findings: list[Any]) -> dict[str, list[Any]]:
    """Findings per document, most severe first; documents in name order."""
    out: dict[str, list[Any]] = {}
    for f in findings:
        out.setdefault(getattr(f, "doc", None) or "（多文件）", []).append(f)
    for items in out.values():
        items.sort(key=lambda f: (SEVERITY_ORDER.get(getattr(f, "severity", ""), 9), finding_page(f) or 0))
    return dict(sorted(out.items()))


def rule_titles() -> dict[str, str]:
    """Chinese rule names by rule id ('sangong_sum' -> '“三公”经费合计与分项'), when the audit declares them."""
    return {r.id: r.title for r in RULES}


@st.cache_data(show_spinner="正在审核……", max_entries=16)
def _audit(location: str, fingerprint: str, doc_names: tuple[str, ...]) -> list:
    """Findings of the chosen documents; recomputed when the store's documents change (fingerprint)."""
    from budgetqa.store.side_store import open_store

    store = open_store(location)  # the SQLite file or the PostgreSQL URL
    try:
        return run_audit(store, doc_names=list(doc_names) or None)
    finally:
        store.close()


def render() -> None:
    settings = services.load_settings()
    st.title("一致性审核")
    store = services.store(settings)
    docs = store.list_documents()
    names = [d.name for d in docs]
    chosen = st.multiselect("审核哪些文件", names, placeholder="全部文件", key="audit_docs")
    try:
        findings = _audit(settings.side_store_location, store.fingerprint(), tuple(chosen))
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
        titles = rule_titles()
        for f in items:
            _finding(f, titles, by_name)


def finding_page(f: Any) -> int | None:
    """The page of a finding: its own, else that of its first paged citation."""
    page = getattr(f, "page", None)
    if page:
        return page
    return next((c.get("page") for c in map(fmt.as_dict, getattr(f, "citations", None) or []) if c.get("page")), None)


def value_rows(values: Any) -> list[dict]:
    """The figures a finding compares, as rows for a small table."""
    if isinstance(values, dict):
        values = [{"label": k, "value": v} for k, v in values.items()]
    rows = []
    for v in values or []:
        if isinstance(v, dict):
            rows.append({"角色": v.get("role", ""), "项目": v.get("label") or v.get("item") or "",
                         "数值": str(v.get("value", ""))})
        else:
            rows.append({"角色": "", "项目": "", "数值": str(v)})
    return [r for r in rows if r["数值"] or r["项目"]]


def unique_citations(f: Any) -> list[dict]:
    seen, out = set(), []
    for c in map(fmt.as_dict, getattr(f, "citations", None) or []):
        if fmt.citation_key(c) not in seen:
            seen.add(fmt.citation_key(c))
            out.append(c)
    return out


def _finding(f: Any, titles: dict[str, str], by_name: dict) -> None:
    sev = getattr(f, "severity", "")
    page = finding_page(f)
    where = f" · 第{page}页" if page else ""
    rule = getattr(f, "rule", "")
    with st.container(border=True):  # citations inside are expanders, which cannot be nested in one
        st.markdown(f"{SEVERITY_ICON.get(sev, '•')} **{sev}** · {titles.get(rule) or rule}{where}　"
                    f":gray[`{rule}`]\n\n{fmt.literal(f.message)}")
        values = getattr(f, "values", None)
        rows = value_rows(values)
        if rows:
            st.dataframe(rows, hide_index=True)
        raw = values if isinstance(values, list) else []
        targets = target_values([v for v in raw if isinstance(v, dict)])
        for j, c in enumerate(unique_citations(f), 1):
            components.render_citation(c, j, by_name, targets)


if __name__ == "__main__":  # run by st.navigation as a page script: use the module itself
    from budgetqa.webui.pages import audit

    audit.render()
