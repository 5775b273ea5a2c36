"""The question word lists live in budgetqa/core/data/question_words.yaml and are read through core."""
from __future__ import annotations

import pytest

from budgetqa.answering.question import NARRATIVE_KINDS, ask_kind
from budgetqa.core.errors import ConfigError
from budgetqa.core.phrases import Phrases, get_phrases


def test_every_list_is_a_non_empty_list_of_words():
    ph = get_phrases()
    names = [n for n in ph._data if n not in ("relative_years", "narrative_kinds")]  # noqa: SLF001
    for name in names:
        assert ph.words(name), name
    assert ph.mapping("relative_years")["去年"] == -1
    assert tuple(ph.groups("narrative_kinds")) == NARRATIVE_KINDS == ("why", "purpose", "duty", "how", "list", "what")


def test_narrative_kinds_follow_the_data_and_the_rule_beside_it():
    assert ask_kind("为什么减少") == "why"
    assert ask_kind("怎么开展的") == "how"
    assert ask_kind("怎么会减少") == "why"  # '怎么会' asks why, not how


@pytest.mark.parametrize("data, call, problem", [
    ({"a": [1, 2]}, lambda p: p.words("a"), "list of words"),
    ({}, lambda p: p.words("a"), "missing"),
    ({"a": ["x"]}, lambda p: p.mapping("a"), "mapping"),
    ({"g": {"k": "x"}}, lambda p: p.groups("g"), "g.k"),
])
def test_a_malformed_list_names_the_file_and_the_list(data, call, problem):
    with pytest.raises(ConfigError, match=problem) as err:
        call(Phrases(data, "some/question_words.yaml"))
    assert "some/question_words.yaml" in str(err.value)
