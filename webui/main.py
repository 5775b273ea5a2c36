"""The Streamlit app: page wiring only (each page is a `render()` function in `budgetqa.webui.pages`).

Run as a script by Streamlit: `streamlit run app.py` in a checkout, or `budgetqa app` from an installed package
(which runs this file). Logic lives in the other `budgetqa.webui` modules, importable and tested without Streamlit.
"""
from __future__ import annotations

import logging
from pathlib import Path

import streamlit as st

from budgetqa.webui import services
from budgetqa.webui.kiosk import KIOSK_CSS
from budgetqa.webui.pages import chat

PAGES_DIR = Path(__file__).resolve().parent / "pages"  # page scripts, found wherever the package is installed

log = logging.getLogger(__name__)


def main() -> None:
    services.configure_logging()
    settings = services.load_settings()
    kiosk = services.is_kiosk(settings)
    services.hold_app_lock(settings)
    st.set_page_config(page_title="预算公开问答", page_icon=":material/account_balance:",
                       layout="centered" if kiosk else "wide",
                       initial_sidebar_state="collapsed" if kiosk else "auto")
    services.apply_mode_options(kiosk)
    services.start_embed_worker(settings)
    if kiosk:
        st.markdown(KIOSK_CSS, unsafe_allow_html=True)

    pages = [st.Page(PAGES_DIR / "chat.py", title="问答", icon=":material/chat:", default=True),
             st.Page(PAGES_DIR / "documents.py", title="资料目录", icon=":material/folder_open:")]
    if not kiosk:  # the public kiosk is read-only: no fact export, upload or audit pages at all
        pages += [st.Page(PAGES_DIR / "facts.py", title="数字库", icon=":material/table_chart:"),
                  st.Page(PAGES_DIR / "upload.py", title="上传文件", icon=":material/upload_file:"),
                  st.Page(PAGES_DIR / "audit.py", title="一致性审核", icon=":material/fact_check:")]

    page = st.navigation(pages, position="sidebar")
    try:
        page.run()
    except Exception:
        if not kiosk:
            raise
        log.exception("kiosk page %s failed", page.title)
        st.error(chat.APOLOGY)


if __name__ == "__main__":
    main()
