"""Upload page (full mode only): save files to the store's uploads folder and ingest them with progress;
optional organisation / year / kind set for every file of the upload (validated like `budgetqa ingest --org …`)."""
from __future__ import annotations

import logging

import streamlit as st

from budgetqa.core.errors import ConfigError
from budgetqa.core.meta_override import known_kinds, parse_override
from budgetqa.webui import formatting as fmt, services, uploads

log = logging.getLogger(__name__)


def render() -> None:
    settings = services.load_settings()
    st.title("上传文件")
    if services.is_kiosk(settings):  # the page is not registered in kiosk mode; belt and braces
        st.info("公共查询终端不提供上传功能。")
        return
    st.caption("支持 PDF、Word (DOCX)、Excel (XLSX)、TXT、Markdown。重复上传同一文件会被跳过；同名新版本会替换旧版本。")
    files = st.file_uploader("选择预算/决算公开文件", type=uploads.ACCEPTED_TYPES, accept_multiple_files=True,
                             key="upload_files")
    with st.expander("指定机构、年度、类型（可选；留空则从文件内容识别，其次从文件名识别）"):
        org = st.text_input("机构名称", key="upload_org", placeholder="如：示范县卫生健康局")
        year = st.text_input("年度", key="upload_year", placeholder="四位数年份，如 2024")
        kind = st.selectbox("类型", [AUTO_KIND, *known_kinds()], key="upload_kind")
    if not st.button("开始导入", type="primary", disabled=not files, key="upload_go"):
        return
    try:
        meta = parse_override(org, year, None if kind == AUTO_KIND else kind)
    except ConfigError as exc:
        st.error(fmt.literal(str(exc).split(" / ")[0]))  # the Chinese half of the message
        return
    folder = uploads.uploads_dir(settings.store)
    paths = []
    for f in files:
        try:
            paths.append(uploads.save_upload(folder, f.name, f.getvalue()))
        except OSError as exc:
            log.exception("cannot save upload %s", f.name)
            st.error(fmt.literal(f"{f.name}：失败：无法保存文件（{exc.strerror or exc}）"))
    if paths:
        ingest(settings, paths, meta)


AUTO_KIND = "（自动识别）"


def ingest(settings, paths, meta=None) -> list:
    """Ingest saved files one by one, showing progress and each file's result (`meta`: values the user set)."""
    progress = st.progress(0.0, text=f"准备导入 {len(paths)} 个文件……")
    results: list = []
    with st.status(f"正在导入 {len(paths)} 个文件……", expanded=True) as status:
        try:
            ingestor = services.ingestor(settings)
        except Exception:
            log.exception("cannot open the ingestor")
            status.update(label="无法打开资料库，导入未开始。", state="error")
            return results

        def on_file(result) -> None:
            results.append(result)
            progress.progress(len(results) / len(paths), text=f"已处理 {len(results)}/{len(paths)}")
            getattr(st, uploads.result_level(result))(fmt.literal(f"{_name(result.path)}：{uploads.result_text(result)}"))

        try:
            ingestor.ingest(paths, on_file=on_file, meta=meta)
        except Exception:
            log.exception("ingestion stopped")
            st.error("导入中断：资料库写入失败，已处理的文件不受影响。")
        failed = sum(r.status == "failed" for r in results)
        changed = sum(r.status in ("ingested", "replaced") for r in results)
        if changed:
            services.after_ingest(settings)
        label = f"导入完成：{changed} 个新导入/更新，{len(results) - changed - failed} 个已存在，{failed} 个失败"
        status.update(label=label, state="error" if failed else "complete", expanded=True)
    return results


def _name(path: str) -> str:
    from pathlib import Path

    return Path(path).name


if __name__ == "__main__":  # run by st.navigation as a page script: use the module itself
    from budgetqa.webui.pages import upload

    upload.render()
