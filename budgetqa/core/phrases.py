"""Word lists that classify questions and clean labels (data in `data/question_words.yaml`), loaded once.

    from budgetqa.core.phrases import get_phrases
    ph = get_phrases()
    ph.words('count_units')          # ('人次', '件', ...) in file order
    ph.alternation('count_units')    # '人次|件|…' (escaped, file order: the earlier entry wins at a position)
    ph.mapping('relative_years')     # {'今年': 0, ...}
    ph.groups('narrative_kinds')     # {'why': ('为什么', ...), ...} in file order

A missing or malformed list raises ConfigError naming the file and the list.
"""
from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

import yaml

from budgetqa.core.errors import ConfigError

DATA_FILE = "data/question_words.yaml"


class Phrases:
    def __init__(self, data: dict, source: str):
        if not isinstance(data, dict):
            raise ConfigError(f"{source}: expected a mapping of word lists")
        self._data = data
        self.source = source

    def _get(self, name: str):
        if name not in self._data:
            raise ConfigError(f"{self.source}: the list '{name}' is missing")
        return self._data[name]

    def words(self, name: str) -> tuple[str, ...]:
        value = self._get(name)
        if isinstance(value, str):
            return tuple(value)  # a string of single characters
        if not isinstance(value, list) or not all(isinstance(w, str) for w in value):
            raise ConfigError(f"{self.source}: '{name}' must be a list of words")
        return tuple(value)

    def text(self, name: str) -> str:
        return "".join(self.words(name))

    def alternation(self, name: str) -> str:
        return "|".join(re.escape(w) for w in self.words(name) if w)

    def mapping(self, name: str) -> dict:
        value = self._get(name)
        if not isinstance(value, dict):
            raise ConfigError(f"{self.source}: '{name}' must be a mapping")
        return dict(value)

    def groups(self, name: str) -> dict[str, tuple[str, ...]]:
        value = self.mapping(name)
        out = {}
        for key, words in value.items():
            if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
                raise ConfigError(f"{self.source}: '{name}.{key}' must be a list of words")
            out[str(key)] = tuple(words)
        return out


@lru_cache(maxsize=1)
def get_phrases() -> Phrases:
    ref = resources.files("budgetqa.core").joinpath(DATA_FILE)
    try:
        data = yaml.safe_load(ref.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ConfigError(f"{ref}: not valid YAML ({exc})") from None
    return Phrases(data, str(ref))
