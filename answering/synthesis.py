"""LLM mode: rewrite the template answer with the configured LLM, kept honest by the number guard.

The engine composes a template answer from facts/passages, then calls `maybe_synthesize`. When an LLM is
configured (and not in kiosk mode) the model gets the numbered sources and the template answer, its text
is streamed sentence by sentence through the guard, and the answer is returned with mode 'llm'. On a guard
failure or an unavailable model the template answer comes back with mode 'llm_fallback' and a notice.

Source numbering: [1..k] are `answer.citations` in order, then citations of facts and passages not among
them. The returned LLM answer keeps `answer.citations` and appends the further sources up to the highest
one the text cites, so every [n] in the text is `citations[n-1]`.

Streaming: `on_token` receives only text that passed the guard. After the call, show `Answer.answer`: when
the mode is 'llm_fallback' it replaces whatever was streamed.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from typing import Any, Callable

from budgetqa.answering import llm
from budgetqa.answering.guard import AllowedNumbers, GuardRejected, StreamGuard, check_answer, strip_reasoning
from budgetqa.core.numbers import citation_markers
from budgetqa.core.records import Answer, AnswerFact, Citation, Passage
from budgetqa.core.settings import Settings
from budgetqa.prompts import load_prompt

log = logging.getLogger(__name__)

# Injectable for tests: settings -> LangChain chat model, or None when no LLM is configured.
chat_model_factory: Callable[[Settings], Any | None] = llm.make_chat_model

NOTICE_UNAVAILABLE = "大模型暂不可用，以下为模板答案"
NOTICE_GUARD = "大模型的回答中有数字或引用无法与文件核对，已改用模板答案"
MAX_SOURCE_CHARS = 1500  # quote text per source shown to the model
MAX_SOURCES = 12


@dataclass
class Source:
    citation: Citation
    figures: list[str] = field(default_factory=list)  # fact lines: '鹿泉区信访局 2021年 三公经费：80 万元'
    text: str = ""  # the quoted document text (citation quote or passage text)


def maybe_synthesize(
    answer: Answer,
    passages: list[Passage],
    settings: Settings,
    on_token: Callable[[str], None] | None = None,
) -> Answer:
    """Return the answer rewritten by the configured LLM, or unchanged when no LLM is configured."""
    if settings.mode == "kiosk" or not _eligible(answer, passages):
        return answer
    try:
        model = chat_model_factory(settings)
    except Exception as exc:  # noqa: BLE001 - a bad endpoint configuration must not break answering
        log.warning("LLM not created (%s: %s); template answer kept", type(exc).__name__, exc)
        return _fallback(answer, NOTICE_UNAVAILABLE)
    if model is None:
        return answer
    sources = build_sources(answer, passages)
    if not sources:
        return answer

    allowed = AllowedNumbers.from_answer(answer, passages)
    stream = StreamGuard(allowed, len(sources), on_token)
    try:
        text = llm.generate(model, build_messages(answer, sources), stream.feed, settings.llm_timeout_s)
        stream.finish()
    except GuardRejected as rejected:
        return _rejected(answer, rejected.result.unsupported_numbers, rejected.result.bad_citations)
    except llm.LLMUnavailable as exc:
        log.warning("LLM unavailable (%s); template answer kept", exc)
        return _fallback(answer, NOTICE_UNAVAILABLE)
    except Exception as exc:  # noqa: BLE001 - e.g. the UI callback failing: never a stack trace to the user
        log.warning("LLM synthesis failed (%s: %s); template answer kept", type(exc).__name__, exc, exc_info=True)
        return _fallback(answer, NOTICE_UNAVAILABLE)

    text = strip_reasoning(text).strip()
    result = check_answer(text, allowed, len(sources))
    if not result.ok:
        if result.uncited:
            log.warning("LLM answer rejected: numbers without any citation marker")
        return _rejected(answer, result.unsupported_numbers, result.bad_citations)
    cited = citation_markers(text)
    citations = list(answer.citations) + [s.citation for s in sources[len(answer.citations): max(cited, default=0)]]
    return replace(answer, answer=text, mode="llm", citations=citations, facts=list(answer.facts),
                   notices=list(answer.notices))


def build_sources(answer: Answer, passages: list[Passage]) -> list[Source]:
    """The numbered sources: the answer's citations first (same order), then facts' and passages' citations."""
    sources = [Source(c, text=c.quote) for c in answer.citations]

    def source_for(citation: Citation) -> Source:
        for s in sources:
            if s.citation == citation:
                return s
        sources.append(Source(citation, text=citation.quote))
        return sources[-1]

    for fact in answer.facts:
        source_for(fact.citation).figures.append(_fact_line(fact))
    for p in passages:
        text = p.chunk.text
        same_place = [s for s in sources if s.citation.doc == p.doc_name and s.citation.page == p.chunk.page
                      and s.citation.quote and s.citation.quote in text]
        if same_place:  # a citation inside this passage: show the passage as its context
            if len(text) > len(same_place[0].text):
                same_place[0].text = text
        else:
            source_for(p.citation())
    return sources[: max(MAX_SOURCES, len(answer.citations))]  # never renumber the answer's own citations


def build_messages(answer: Answer, sources: list[Source]) -> list[tuple[str, str]]:
    system = load_prompt("answer_system")
    user = load_prompt(
        "answer_user",
        sources="\n\n".join(render_source(i, s) for i, s in enumerate(sources, 1)),
        question=fence_safe(answer.question),
        template_answer=fence_safe(answer.answer),
        computed=fence_safe(answer.computed or "无"),
    )
    return [("system", system), ("human", user)]


def render_source(number: int, source: Source) -> str:
    c = source.citation
    place = f"《{c.doc}》" + (f"第{c.page}页" if c.page else "") + (f"，{c.locator}" if c.locator else "")
    text = source.text if len(source.text) <= MAX_SOURCE_CHARS else source.text[:MAX_SOURCE_CHARS] + "……（后略）"
    # everything taken from a document (names, headings, figures, text) goes inside the fence
    body = [f"出处：{place}", *(f"已提取数据：{f}" for f in source.figures), "原文：", text]
    return "\n".join([f"[{number}]", "```text", fence_safe("\n".join(body)), "```"])


def fence_safe(text: str | None) -> str:
    """Text that cannot close a ``` fence: backticks become the look-alike 'ˋ' (U+02CB)."""
    return (text or "").replace("`", "\u02cb")


def _fact_line(fact: AnswerFact) -> str:
    parts = [fact.org] if fact.org else []
    if fact.year:
        parts.append(f"{fact.year}年")
    if fact.item:
        parts.append(str(fact.item))
    return f"{' '.join(parts)}：{fact.value} {fact.unit or ''}".strip()


def _eligible(answer: Answer, passages: list[Passage]) -> bool:
    if answer.status == "answered":
        return True
    return answer.status == "not_found" and bool(passages)


def _rejected(answer: Answer, unsupported: list[str], bad_citations: list[int]) -> Answer:
    log.warning("LLM answer rejected by the number guard: unsupported numbers %s, bad citations %s",
                unsupported, bad_citations)
    return _fallback(answer, NOTICE_GUARD)


def _fallback(answer: Answer, notice: str) -> Answer:
    return replace(answer, mode="llm_fallback", facts=list(answer.facts), citations=list(answer.citations),
                   notices=[*answer.notices, notice])
