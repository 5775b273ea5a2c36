"""A narrative question about a thing no document of the organisation mentions is refused as not disclosed,
not answered with a quote that matches only its other words."""
from __future__ import annotations

import pytest


@pytest.mark.parametrize("question, word", [("万里街道为什么要建设地铁？", "地铁"),
                                            ("万里街道建设游泳馆的原因是什么？", "游泳馆")])
def test_a_thing_never_mentioned_is_not_disclosed(shared_engine, question, word):
    a = shared_engine.ask(question)
    assert a.status == "not_found" and f"没有提到“{word}”" in a.answer and not a.citations


@pytest.mark.parametrize("question", ["商务委机关内设了哪些科室？",  # 科 and 室 printed: a paraphrase
                                      "区商务委2025年为什么没有安排因公出国（境）费？"])  # 没有 names no thing
def test_paraphrases_and_function_words_are_not_refused(shared_engine, question):
    assert shared_engine.ask(question).status == "answered"
