"""Chat page: ask questions, read answers with their sources; example questions; kiosk guards."""
from __future__ import annotations

import logging
import time

import streamlit as st

from budgetqa.webui import components, formatting as fmt, scope, services, state
from budgetqa.webui.kiosk import check_question, refusal_text

log = logging.getLogger(__name__)

APOLOGY = "抱歉，系统暂时无法回答这个问题，请稍后再试或换一种问法。"
AVATARS = {"user": ":material/person:", "assistant": ":material/account_balance:"}


def render() -> None:
    settings = services.load_settings()
    kiosk = services.is_kiosk(settings)
    state.init(settings)
    if kiosk:
        _idle_watch(settings.kiosk_idle_reset_s)
        if state.history() and state.idle().expired():
            state.reset()

    store = services.store(settings)
    docs = _documents(store)
    doc_scope = _sidebar(docs, kiosk)

    st.title("预算公开问答")
    if not state.history():
        _welcome(docs, kiosk)
    by_name = {d.name: d for d in docs}
    for msg in state.history():
        _show_message(msg, by_name)
    _suggestions(docs)
    if kiosk and state.history():  # the kiosk's sidebar is folded away: offer a restart in view
        st.button("重新开始", icon=":material/restart_alt:", key="kiosk_restart", on_click=state.reset)

    cap = settings.max_question_chars  # the engine refuses longer questions in every mode
    placeholder = "请输入您的问题" if kiosk else f"请输入问题（{cap}字以内），例如：某局2021年“三公”经费是多少？"
    typed = st.chat_input(placeholder, max_chars=cap)
    question = typed or state.take_pending()
    if question:
        _ask(question, settings, kiosk, cap, scope.doc_ids(docs, doc_scope), by_name)


def _documents(store) -> list:
    try:
        return store.list_documents()
    except Exception:
        log.exception("cannot list documents")
        return []


def _sidebar(docs: list, kiosk: bool) -> scope.Scope:
    with st.sidebar:
        st.subheader("提问范围")
        orgs, years, kinds = scope.options(docs)
        chosen = scope.Scope(
            orgs=st.multiselect("机构", orgs, placeholder="全部机构", key="scope_orgs"),
            years=st.multiselect("年度", years, format_func=lambda y: f"{y}年", placeholder="全部年度",
                                 key="scope_years"),
            kinds=st.multiselect("文件类型", kinds, placeholder="全部类型", key="scope_kinds"),
        )
        if chosen.active:
            n = len(scope.doc_ids(docs, chosen) or [])
            st.caption(f"只在 {n} 个文件中查找：{fmt.literal(chosen.describe())}")
        st.button("清空对话", icon=":material/delete_sweep:", on_click=state.reset, width="stretch", key="clear_chat")
        if not kiosk:
            st.caption(f"已收录 {len(docs)} 个文件")
    return chosen


def _welcome(docs: list, kiosk: bool) -> None:
    if not docs:
        st.info("资料库还是空的：请先在“上传文件”页导入预算公开文件，或用 `make run` 导入示例文件。")
    st.markdown(
        "向我提问部门预算、决算公开文件里的数字。每个数字都注明出处（文件、页码、表格位置），"
        "文件里没有公开的数字，我会直接说明“未公开”，不会猜测。"
    )
    st.markdown("**试试这些问题：**")
    for i, q in enumerate(fmt.example_questions(docs)):
        st.button(fmt.literal(q), key=f"example_{i}", icon=":material/help:", on_click=state.ask_later, args=(q,),
                  width="stretch" if kiosk else "content")


def _suggestions(docs: list) -> None:
    hist = state.history()
    if not hist or hist[-1]["role"] != "assistant" or not hist[-1].get("answer"):
        return
    asked = fmt.answered_pairs(m["answer"] for m in hist if m.get("answer"))
    for i, q in enumerate(fmt.follow_up_suggestions(hist[-1]["answer"], fmt.years_by_org(docs), asked)):
        st.button(f"追问：{fmt.literal(q)}", icon=":material/subdirectory_arrow_right:", key=f"follow_{len(hist)}_{i}",
                  on_click=state.ask_later, args=(q,))


def _show_message(msg: dict, by_name: dict) -> None:
    with st.chat_message(msg["role"], avatar=AVATARS[msg["role"]]):
        if msg.get("answer"):
            components.render_answer(msg["answer"], by_name)
        elif msg["role"] == "user":
            st.markdown(fmt.escape_markdown(msg.get("text") or ""))
        else:
            st.markdown(fmt.answer_markdown(msg.get("text") or ""))


def _ask(question: str, settings, kiosk: bool, cap: int, doc_ids, by_name: dict) -> None:
    state.idle().touch()
    clean, problem = check_question(question, cap)
    if problem:
        st.warning(problem)
        return
    if doc_ids is not None and not doc_ids:
        st.warning("当前筛选范围内没有文件，请调整侧边栏中的机构、年度或文件类型。")
        return
    if kiosk:  # limits per client address and overall, shared by all sessions: a reload does not reset them
        verdict = services.rate_limits(settings).allow(state.client_address(settings))
        if not verdict.allowed:
            log.info("kiosk: question refused (%s limit)", verdict.scope)
            st.warning(refusal_text(verdict))
            return
    state.history().append({"role": "user", "text": clean})
    with st.chat_message("user", avatar=AVATARS["user"]):
        st.markdown(fmt.escape_markdown(clean))
    with st.chat_message("assistant", avatar=AVATARS["assistant"]):
        placeholder = st.empty()
        placeholder.markdown("正在查找……")
        reply = _answer(clean, settings, kiosk, doc_ids, placeholder)
    state.history().append(reply)
    state.idle().touch()
    st.rerun()


def _answer(question: str, settings, kiosk: bool, doc_ids, placeholder) -> dict:
    streamed: list[str] = []

    def on_token(token: str) -> None:
        streamed.append(token)
        placeholder.markdown("".join(streamed) + "▌")

    t0 = time.perf_counter()
    try:
        engine = services.engine(settings)
        answer = engine.ask(question, session=state.follow_up_session(), doc_ids=doc_ids,
                            on_token=None if kiosk else on_token)
    except Exception as exc:
        log.exception("answering failed for %r", question)
        text = APOLOGY if kiosk else f"{APOLOGY}\n\n错误信息：`{type(exc).__name__}: {exc}`"
        return {"role": "assistant", "text": text, "answer": None}
    log.info("answered %r in %.2fs (%s)", question, time.perf_counter() - t0, answer.status)
    return {"role": "assistant", "text": answer.answer, "answer": fmt.as_dict(answer)}


@st.fragment(run_every=15)
def _idle_watch(timeout_s: int) -> None:
    """Kiosk: every 15 s, clear a conversation left alone longer than the idle timeout."""
    if state.history() and state.idle().expired():
        log.info("kiosk: conversation reset after %ss idle", timeout_s)
        state.reset()
        st.rerun(scope="app")


if __name__ == "__main__":  # run by st.navigation as a page script: use the module itself
    from budgetqa.webui.pages import chat

    chat.render()
