"""The Streamlit app through streamlit.testing AppTest (webui logic alone: tests/test_webui.py).

The AppTest part runs the real engine on a store built in a temporary folder from samples/corpus with the
deterministic 'hash' embedder (BUDGETQA_STORE / BUDGETQA_EMBEDDING_MODEL point the app at it).
"""
from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from budgetqa.core.settings import Settings
from tests.test_webui import _fact
from budgetqa.webui import formatting as fmt

REPO = Path(__file__).resolve().parents[1]
APP = str(REPO / "app.py")
CORPUS = REPO / "samples" / "corpus"
SAMPLE_PDF = CORPUS / "示例区商务委员会2021年部门预算.pdf"
Q_FUND = "2021年示例区信访局信访专项经费是多少？"
DOC_2021 = "示例区信访局2021年部门预算.txt"


# --- the app (AppTest) -------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def sample_store(tmp_path_factory) -> Path:
    from budgetqa.ingest.pipeline import Ingestor

    store = tmp_path_factory.mktemp("appstore") / "store"
    results = Ingestor(Settings(store=store, embedding_model="hash")).ingest([CORPUS])
    assert all(r.ok for r in results), [r.error for r in results]
    return store


@pytest.fixture
def app_env(sample_store, monkeypatch):
    monkeypatch.setenv("BUDGETQA_STORE", str(sample_store))
    monkeypatch.setenv("BUDGETQA_EMBEDDING_MODEL", "hash")
    monkeypatch.setenv("BUDGETQA_MODE", "full")
    for var in ("BUDGETQA_LLM_BASE_URL", "BUDGETQA_LLM_MODEL", "BUDGETQA_LLM_API_KEY"):
        monkeypatch.delenv(var, raising=False)
    return monkeypatch


def _app():
    from streamlit.testing.v1 import AppTest

    return AppTest.from_file(APP, default_timeout=120)


def _text(at) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [e.label for e in at.expander]
    return "\n".join(str(p) for p in parts)


def _ask(at, question: str):
    at.chat_input[0].set_value(question).run()
    assert not at.exception, at.exception
    return at


def _answers(at) -> list:
    return [m for m in at.chat_message if m.name == "assistant"]


def test_app_answers_with_citation(app_env):
    at = _app().run()
    assert not at.exception, at.exception
    _ask(at, Q_FUND)
    text = _text(at)
    assert "80万元" in text
    assert DOC_2021 in text  # the source is listed (expander label)
    assert any(DOC_2021 in e.label for e in at.expander)
    assert "<mark>80</mark>" in text  # the quoted passage marks the cited figure
    assert len(_answers(at)) == 1


def test_app_follow_up(app_env):
    at = _app().run()
    _ask(at, Q_FUND)
    _ask(at, "那2020年呢？")
    last = _answers(at)[-1]
    assert "75万元" in "\n".join(m.value for m in last.markdown)
    assert any("2020" in e.label for e in at.expander)


def test_app_example_button_asks(app_env):
    at = _app().run()
    at.button(key="example_0").click().run()
    assert not at.exception, at.exception
    assert "80万元" in _text(at)


def test_app_not_found_is_said_not_guessed(app_env):
    at = _app().run()
    _ask(at, "2019年示例区信访局信访专项经费是多少？")
    last = _answers(at)[-1]
    text = "\n".join(m.value for m in last.markdown) + "\n".join(c.value for c in last.caption)
    assert "未找到" in text or "未披露" in text or "未公开" in text or "没有" in text, text
    # another year's figure may be shown only under '相关数字', marked as not the answer, with its year
    answer_part, _, related = text.partition("相关数字（供参考，并非所问数字）")
    assert "80万元" not in answer_part and "75万元" not in answer_part
    assert all("年度不同" in line for line in related.splitlines() if "万元" in line)


def test_app_sessions_are_isolated(app_env):
    a, b = _app().run(), _app().run()
    _ask(a, Q_FUND)
    b.run()
    assert not _answers(b) and not b.chat_message
    _ask(b, "2021年示例区商务委员会机关运行经费是多少？")
    assert len(_answers(a)) == 1 and len(_answers(b)) == 1
    a.run()
    assert "商务委员会" not in "\n".join(m.value for m in a.chat_message[0].markdown)


def test_app_clear_conversation(app_env):
    at = _app().run()
    _ask(at, Q_FUND)
    at.button(key="clear_chat").click().run()
    assert not at.chat_message
    assert at.button(key="example_0")  # the empty chat offers examples again


def test_app_scope_filter(app_env):
    at = _app().run()
    at.multiselect(key="scope_years").set_value([2020]).run()
    assert not at.exception, at.exception
    assert any("只在 1 个文件中查找" in c.value for c in at.sidebar.caption)


@pytest.mark.parametrize("page", ["webui/pages/documents.py", "webui/pages/facts.py", "webui/pages/upload.py",
                                  "webui/pages/audit.py", "webui/pages/chat.py"])
def test_every_page_renders(app_env, page):
    at = _app().run()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    assert at.title, page


def test_documents_page_lists_the_corpus(app_env):
    at = _app().run()
    at.switch_page("webui/pages/documents.py").run()
    frame = at.dataframe[0].value
    assert set(frame["文件"]) == {p.name for p in CORPUS.iterdir()}


def test_facts_page_filters_and_downloads(app_env):
    at = _app().run()
    at.switch_page("webui/pages/facts.py").run()
    assert len(at.dataframe[0].value) > 0
    at.selectbox(key="facts_year").set_value(2020).run()
    assert not at.exception, at.exception
    assert set(at.dataframe[0].value["年度"]) == {2020}
    assert {b.label for b in at.get("download_button")} == {"下载 CSV", "下载 Excel (XLSX)"}


def test_facts_export_bytes(sample_store):
    from budgetqa.retrieval.fact_export import fact_rows
    from budgetqa.store.side_store import open_store
    from budgetqa.webui.pages.facts import export_bytes

    rows = fact_rows(open_store(Settings(store=sample_store).sqlite_path), year=2021)
    csv = export_bytes(rows, ".csv").decode("utf-8-sig")
    assert csv.splitlines()[0].startswith("机构,年度") and "示例区信访局" in csv
    assert export_bytes(rows, ".xlsx")[:2] == b"PK"


def test_kiosk_mode_is_read_only(app_env):
    app_env.setenv("BUDGETQA_MODE", "kiosk")
    at = _app().run()
    assert not at.exception, at.exception
    assert at.chat_input[0].proto.max_chars == Settings().max_question_chars
    for page in ("webui/pages/upload.py", "webui/pages/facts.py", "webui/pages/audit.py"):
        with pytest.raises(ValueError):
            at.switch_page(page)
    assert not at.get("file_uploader")
    _ask(at, Q_FUND)
    assert "80万元" in _text(at)


def test_kiosk_rate_limit(app_env):
    app_env.setenv("BUDGETQA_MODE", "kiosk")
    app_env.setenv("BUDGETQA_KIOSK_RATE_LIMIT_PER_MIN", "1")
    at = _app().run()
    _ask(at, Q_FUND)
    _ask(at, "那2020年呢？")
    assert any("太频繁" in w.value for w in at.warning)
    assert len(_answers(at)) == 1


def test_kiosk_input_cap(app_env):
    app_env.setenv("BUDGETQA_MODE", "kiosk")
    app_env.setenv("BUDGETQA_MAX_QUESTION_CHARS", "30")
    at = _app().run()
    assert at.chat_input[0].proto.max_chars == 30
    _ask(at, "示例区信访局" * 20)  # Streamlit cuts the text at max_chars on the server side
    asked = [m for m in at.chat_message if m.name == "user"][-1].markdown[0].value
    assert len(asked) <= 30


def test_kiosk_idle_reset(app_env):
    app_env.setenv("BUDGETQA_MODE", "kiosk")
    at = _app().run()
    _ask(at, Q_FUND)
    assert at.chat_message
    at.session_state["bqa_idle"].last -= 10_000  # long ago
    at.run()
    assert not at.chat_message


def test_kiosk_hides_error_details(app_env):
    app_env.setenv("BUDGETQA_MODE", "kiosk")
    at = _app().run()
    import budgetqa.webui.services as services

    def broken(settings):
        raise RuntimeError("secret internal path /srv/x")

    app_env.setattr(services, "engine", broken)
    _ask(at, Q_FUND)
    text = _text(at)
    assert "抱歉" in text and "secret" not in text and "RuntimeError" not in text


def test_answer_markdown_keeps_lines():
    assert fmt.answer_markdown("甲\n乙$") == "甲  \n乙\\$"
    assert fmt.show_computed({"answer": "多5万元", "computed": "80 − 75 = 5（万元）"})
    assert not fmt.show_computed({"answer": "计算：80 − 75 = 5（万元）", "computed": "80 − 75 = 5（万元）"})


class _FixedEngine:
    """Stands in for the engine where a test is about presentation, not about answering."""

    def __init__(self, answer):
        self.answer = answer

    def ask(self, question, session=None, doc_ids=None, on_token=None):
        if on_token:
            on_token(self.answer.answer)
        return self.answer


def test_app_comparison_has_chart_and_arithmetic(app_env):
    from budgetqa.core.records import Answer, AnswerFact, Citation
    import budgetqa.webui.services as services

    facts = [AnswerFact(**{**f, "label": f["item"], "period": "current", "fact_id": None,
                           "citation": Citation(**f["citation"])})
             for f in (_fact("示例区信访局", 2021, "80"), _fact("示例区信访局", 2020, "75"))]
    answer = Answer(question="对比", answer="2021年比2020年多5万元。", status="answered", facts=facts,
                    citations=[f.citation for f in facts], computed="80 − 75 = 5（万元）")
    app_env.setattr(services, "engine", lambda settings: _FixedEngine(answer))
    at = _app().run()
    _ask(at, "示例区信访局2021年和2020年信访专项经费对比")
    assert at.get("vega_lite_chart"), "a comparison of two years comes with a chart"
    assert any("80 − 75 = 5" in c.value for c in at.code)  # the arithmetic is shown
    assert len([e for e in at.expander if e.label.startswith("[")]) == 2


def test_app_pdf_citation_has_page_image(app_env):
    at = _app().run()
    _ask(at, "2021年示例区商务委员会“三公”经费是多少？")
    assert any("第1页" in e.label and ".pdf" in e.label for e in at.expander)
    assert at.get("image"), "the cited PDF page is shown as an image"


def test_audit_page_lists_findings(app_env):
    at = _app().run()
    at.switch_page("webui/pages/audit.py").run()
    assert not at.exception, at.exception
    assert [s.value for s in at.subheader], "findings are grouped under their document"


def test_upload_page_ingests_and_reports(tmp_path, app_env):
    app_env.setenv("BUDGETQA_STORE", str(tmp_path / "fresh"))
    at = _app().run()
    at.switch_page("webui/pages/upload.py").run()
    good = (CORPUS / "示例区信访局2020年部门预算.txt").read_bytes()
    at.file_uploader[0].set_value([("示例区信访局2020年部门预算.txt", good, "text/plain"),
                                   ("坏文件.pdf", b"not a pdf at all", "application/pdf")]).run()
    at.button(key="upload_go").click().run()
    assert not at.exception, at.exception
    assert any("已导入" in s.value for s in at.success)
    assert any(e.value.startswith("坏文件.pdf：失败：") for e in at.error)
    assert (tmp_path / "fresh" / "uploads" / "示例区信访局2020年部门预算.txt").read_bytes() == good
    at.button(key="upload_go").click().run()  # the same files again
    assert any("已存在" in i.value for i in at.info)
    at.switch_page("webui/pages/chat.py").run()
    _ask(at, "2020年示例区信访局信访专项经费是多少？")  # the engine sees the uploaded document
    assert "75万元" in _text(at)


def test_user_text_is_shown_literally():
    assert fmt.escape_markdown("![x](http://a) # 1.5$") == "\\!\\[x\\]\\(http://a\\) \\# 1\\.5\\$"


def test_scope_with_no_documents_does_not_ask(app_env):
    at = _app().run()
    at.multiselect(key="scope_years").set_value([2020]).run()
    at.multiselect(key="scope_orgs").set_value(["示例区商务委员会"]).run()
    _ask(at, Q_FUND)
    assert any("没有文件" in w.value for w in at.warning)
    assert not at.chat_message


def test_kiosk_settings_never_use_an_llm(monkeypatch):
    from budgetqa.webui.services import load_settings

    monkeypatch.setenv("BUDGETQA_LLM_BASE_URL", "http://localhost:1/v1")
    monkeypatch.setenv("BUDGETQA_MODE", "kiosk")
    assert load_settings().llm_base_url is None
    monkeypatch.setenv("BUDGETQA_MODE", "full")
    assert load_settings().llm_base_url == "http://localhost:1/v1"


def test_kiosk_error_options_do_not_leak_into_full_mode(app_env):
    import streamlit as st

    app_env.setenv("BUDGETQA_MODE", "kiosk")
    _app().run()
    assert st.get_option("client.showErrorDetails") == "none"
    app_env.setenv("BUDGETQA_MODE", "full")
    _app().run()
    assert st.get_option("client.showErrorDetails") != "none"


def test_kiosk_restart_button(app_env):
    app_env.setenv("BUDGETQA_MODE", "kiosk")
    at = _app().run()
    _ask(at, Q_FUND)
    at.button(key="kiosk_restart").click().run()
    assert not at.chat_message


def test_document_rows_flag_ocr_pages():
    from budgetqa.webui.pages.documents import document_rows

    doc = SimpleNamespace(id="d", name="扫描件.pdf", org=None, year=2024, kind="部门预算", format="pdf", pages=3,
                          tables=0, facts=0, chunks=1, warnings=["未能识别机构名称"], ingested_at="2024-01-01")
    store = SimpleNamespace(ocr_pages=lambda doc_id: [2, 3])
    row = document_rows(store, [doc])[0]
    assert row["需OCR页"] == 2 and row["机构"] == "（未识别）"
    assert row["提示"].startswith("2 页需要OCR（第2、3页）") and "未能识别机构名称" in row["提示"]
