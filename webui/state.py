"""Per-browser-session state of the chat (history, follow-up Session, kiosk guards) in st.session_state."""
from __future__ import annotations

import logging
from typing import Any

import streamlit as st

from budgetqa.core.settings import Settings
from budgetqa.webui import services
from budgetqa.webui.kiosk import IdleTimer, client_key

log = logging.getLogger(__name__)

HISTORY = "bqa_history"  # list of {"role": "user"|"assistant", "text": str, "answer": dict|None}
SESSION = "bqa_session"  # budgetqa.answering.conversation.Session (follow-up state)
IDLE = "bqa_idle"
PENDING = "bqa_pending"  # question chosen by clicking an example


def init(settings: Settings) -> None:
    ss = st.session_state
    if HISTORY not in ss:
        ss[HISTORY] = []
    if SESSION not in ss:
        ss[SESSION] = services.new_session()
    if IDLE not in ss:
        ss[IDLE] = IdleTimer(settings.kiosk_idle_reset_s)


def history() -> list[dict]:
    return st.session_state[HISTORY]


def follow_up_session() -> Any:
    return st.session_state.get(SESSION)


def client_address(settings: Settings) -> str:
    """This browser's address as the rate limits know it (the proxy header of the settings, if any)."""
    ctx = st.context
    try:
        headers = dict(ctx.headers) if ctx.headers is not None else {}
    except Exception:  # noqa: BLE001 - no request context (e.g. AppTest): one shared key
        headers = {}
    return client_key(headers, getattr(ctx, "ip_address", None), settings.kiosk_client_ip_header)


def idle() -> IdleTimer:
    return st.session_state[IDLE]


def reset() -> None:
    """Forget the conversation (history and follow-up context) of this browser session."""
    st.session_state[HISTORY] = []
    st.session_state[SESSION] = services.new_session()
    st.session_state.pop(PENDING, None)
    if IDLE in st.session_state:
        st.session_state[IDLE].touch()


def ask_later(question: str) -> None:
    """on_click of an example button: the question is asked in the next run."""
    st.session_state[PENDING] = question


def take_pending() -> str | None:
    return st.session_state.pop(PENDING, None)
