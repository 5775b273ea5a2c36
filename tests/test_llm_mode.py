"""LLM mode with LangChain fake chat models: the guard decides what the user sees."""
from __future__ import annotations

import logging
import time
from typing import Any, Iterator

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel, GenericFakeChatModel
from langchain_core.messages import AIMessage

from budgetqa.answering import llm, synthesis
from budgetqa.answering.synthesis import NOTICE_GUARD, NOTICE_UNAVAILABLE, maybe_synthesize
from budgetqa.core.records import Answer, AnswerFact, Chunk, Citation, Passage

TEMPLATE = "鹿泉区信访局2021年三公经费为80.00万元。"
FACT_CITATION = Citation("鹿泉区信访局2021年部门预算.pdf", 5, "三公经费表 / 合计 / 本年", "合计 80.00 0.00 30.00 50.00")


def make_answer() -> Answer:
    return Answer(
        question="鹿泉区信访局2021年三公经费是多少？",
        answer=TEMPLATE,
        status="answered",
        facts=[AnswerFact(org="鹿泉区信访局", year=2021, item="三公经费", label="三公经费", value=80.0, unit="万元",
                          value_wan=80.0, period="current", fact_id=None, citation=FACT_CITATION)],
        citations=[FACT_CITATION],
        interpretation="鹿泉区信访局 2021年 三公经费",
    )


def make_passage(text: str = "2021年“三公”经费预算80万元，比上年持平。", page: int = 3) -> Passage:
    chunk = Chunk("d" * 64, 0, text, page, "三、三公经费说明", 0, len(text))
    return Passage(chunk, "鹿泉区信访局2021年部门预算.pdf", "鹿泉区信访局", 2021, "部门预算", 0.9)


def use_model(monkeypatch, model) -> list:
    calls = []

    def factory(settings):
        calls.append(settings)
        return model

    monkeypatch.setattr(synthesis, "chat_model_factory", factory)
    return calls


def run(settings, passages=None, answer=None):
    tokens: list[str] = []
    result = maybe_synthesize(answer or make_answer(), passages if passages is not None else [make_passage()],
                              settings, tokens.append)
    return result, "".join(tokens)


def test_cited_copied_numbers_become_the_answer(monkeypatch, settings):
    text = "鹿泉区信访局2021年三公经费预算为80.00万元[1]，与说明一致[2]。"
    use_model(monkeypatch, FakeListChatModel(responses=[text]))
    result, streamed = run(settings)
    assert result.mode == "llm" and result.answer == text and streamed == text
    assert result.citations[0] == FACT_CITATION and len(result.citations) == 2  # [2] = the passage, appended
    assert result.facts == make_answer().facts and result.notices == []


def test_citations_unchanged_when_only_answer_citations_are_cited(monkeypatch, settings):
    use_model(monkeypatch, FakeListChatModel(responses=["三公经费为80万元[1]。"]))
    result, _ = run(settings)
    assert result.mode == "llm" and result.citations == [FACT_CITATION]


@pytest.mark.parametrize("written", ["八十万元", "800000元", "0.008亿元", "80万元"])
def test_unit_conversions_are_allowed(monkeypatch, settings, written):
    use_model(monkeypatch, FakeListChatModel(responses=[f"2021年三公经费为{written}[1]。"]))
    result, _ = run(settings)
    assert result.mode == "llm", result.notices


def test_invented_number_never_reaches_the_user(monkeypatch, settings, caplog):
    text = "2021年三公经费为80万元[1]。其中公务接待费为12.34万元[1]。"
    use_model(monkeypatch, FakeListChatModel(responses=[text]))
    with caplog.at_level(logging.WARNING, logger="budgetqa.answering.synthesis"):
        result, streamed = run(settings)
    assert result.mode == "llm_fallback" and result.answer == TEMPLATE
    assert result.notices == [NOTICE_GUARD]
    assert "12.34" not in streamed and "12.34" not in result.answer
    assert "12.34万元" in caplog.text  # the event is logged for the operator


def test_citation_beyond_the_sources_falls_back(monkeypatch, settings):
    use_model(monkeypatch, FakeListChatModel(responses=["2021年三公经费为80万元[5]。"]))
    result, streamed = run(settings)  # 2 sources: the fact citation and the passage
    assert result.mode == "llm_fallback" and result.notices == [NOTICE_GUARD] and streamed == ""


def test_numbers_without_any_citation_fall_back(monkeypatch, settings):
    use_model(monkeypatch, FakeListChatModel(responses=["2021年三公经费为80万元。"]))
    result, _ = run(settings)
    assert result.mode == "llm_fallback"


def test_slow_model_times_out(monkeypatch, settings):
    settings.llm_timeout_s = 0.2
    use_model(monkeypatch, FakeListChatModel(responses=["三公经费为80万元[1]。"], sleep=1.0))
    start = time.monotonic()
    result, _ = run(settings)
    assert time.monotonic() - start < 1.0
    assert result.mode == "llm_fallback" and result.answer == TEMPLATE and result.notices == [NOTICE_UNAVAILABLE]


def test_erroring_model_falls_back(monkeypatch, settings):
    use_model(monkeypatch, FakeListChatModel(responses=["三公经费为80万元[1]。"], error_on_chunk_number=3))
    result, _ = run(settings)
    assert result.mode == "llm_fallback" and result.notices == [NOTICE_UNAVAILABLE]


class Unreachable(GenericFakeChatModel):
    def _stream(self, *args: Any, **kwargs: Any) -> Iterator:
        raise ConnectionError("connection refused")


def test_unreachable_model_and_broken_factory_fall_back(monkeypatch, settings):
    use_model(monkeypatch, Unreachable(messages=iter([])))
    assert run(settings)[0].notices == [NOTICE_UNAVAILABLE]

    def broken(settings):
        raise ValueError("bad base url")

    monkeypatch.setattr(synthesis, "chat_model_factory", broken)
    result, _ = run(settings)
    assert result.mode == "llm_fallback" and result.notices == [NOTICE_UNAVAILABLE]


def test_real_client_against_a_closed_port_falls_back(settings):
    settings.llm_base_url = "http://127.0.0.1:9/v1"  # nothing listens on the discard port
    settings.llm_model = "qwen2.5:7b"
    settings.llm_timeout_s = 3
    result, _ = run(settings)
    assert result.mode == "llm_fallback" and result.notices == [NOTICE_UNAVAILABLE]


def test_reasoning_block_is_dropped(monkeypatch, settings):
    model = GenericFakeChatModel(messages=iter([AIMessage("<think>也许是81万元？</think>\n三公经费为80万元[1]。")]))
    use_model(monkeypatch, model)
    result, streamed = run(settings)
    assert result.mode == "llm" and result.answer == "三公经费为80万元[1]。" and "81" not in streamed


def test_not_found_with_passages_may_say_so(monkeypatch, settings):
    answer = Answer(question="2021年培训费是多少？", answer="未找到鹿泉区信访局2021年培训费的数据。", status="not_found")
    use_model(monkeypatch, FakeListChatModel(responses=["文件中没有相关信息。"]))
    result, _ = run(settings, answer=answer)
    assert result.mode == "llm" and result.answer == "文件中没有相关信息。"


def test_no_llm_when_kiosk_unconfigured_or_not_answerable(monkeypatch, settings):
    answer = make_answer()
    assert maybe_synthesize(answer, [], settings) is answer  # default factory: no endpoint configured
    calls = use_model(monkeypatch, FakeListChatModel(responses=["x"]))
    settings.mode = "kiosk"
    assert maybe_synthesize(answer, [make_passage()], settings) is answer
    settings.mode = "full"
    refused = Answer(question="q", answer="无法回答", status="refused")
    assert maybe_synthesize(refused, [make_passage()], settings) is refused
    assert calls == []


def test_make_chat_model(settings):
    assert llm.make_chat_model(settings) is None
    settings.llm_base_url = "http://localhost:11434/v1"
    settings.llm_model = "qwen2.5:7b"
    settings.llm_timeout_s = 12
    model = llm.make_chat_model(settings)
    assert model.openai_api_base == "http://localhost:11434/v1" and model.model_name == "qwen2.5:7b"
    assert model.request_timeout == 12 and model.max_retries == llm.MAX_RETRIES


def test_generate_streams_tokens_and_wraps_errors():
    tokens: list[str] = []
    text = llm.generate(FakeListChatModel(responses=["八十万元"]), [("human", "q")], tokens.append, timeout=2)
    assert text == "八十万元" and tokens == list("八十万元")
    with pytest.raises(llm.LLMUnavailable):
        llm.generate(FakeListChatModel(responses=["  "]), [("human", "q")], timeout=2)
    with pytest.raises(llm.LLMUnavailable):
        llm.generate(FakeListChatModel(responses=["abc"], error_on_chunk_number=0), [("human", "q")], timeout=2)
