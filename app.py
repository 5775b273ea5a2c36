"""budgetqa Streamlit app: page wiring only. Logic lives in webui/ (see webui/__init__.py).

    streamlit run app.py                      # full mode: chat, documents, facts, upload, audit
    BUDGETQA_MODE=kiosk streamlit run app.py  # public terminal: chat and documents, read-only
"""
from __future__ import annotations

import logging

import streamlit as st

from webui import services
from webui.kiosk import KIOSK_CSS
from webui.pages.chat import APOLOGY

log = logging.getLogger("budgetqa.app")

services.configure_logging()
settings = services.load_settings()
kiosk = services.is_kiosk(settings)
st.set_page_config(page_title="预算公开问答", page_icon=":material/account_balance:", layout="centered" if kiosk else "wide",
                   initial_sidebar_state="collapsed" if kiosk else "auto")
services.apply_mode_options(kiosk)
if kiosk:
    st.markdown(KIOSK_CSS, unsafe_allow_html=True)

chat = st.Page("webui/pages/chat.py", title="问答", icon=":material/chat:", default=True)
documents = st.Page("webui/pages/documents.py", title="资料目录", icon=":material/folder_open:")
if kiosk:
    pages = [chat, documents]
else:
    pages = [chat, documents,
             st.Page("webui/pages/facts.py", title="数字库", icon=":material/table_chart:"),
             st.Page("webui/pages/upload.py", title="上传文件", icon=":material/upload_file:"),
             st.Page("webui/pages/audit.py", title="一致性审核", icon=":material/fact_check:")]

page = st.navigation(pages, position="sidebar")
try:
    page.run()
except Exception:
    if not kiosk:
        raise
    log.exception("kiosk page %s failed", page.title)
    st.error(APOLOGY)
