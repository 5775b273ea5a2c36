"""Prompt templates as package data (`prompts/<name>.md`) and the one function that loads them."""
from __future__ import annotations

import re
import string
from functools import lru_cache
from importlib import resources

from budgetqa.core.errors import ConfigError

_NAME = re.compile(r"^[a-z0-9_]+$")


@lru_cache(maxsize=None)
def _template(name: str) -> tuple[str, frozenset[str]]:
    """The raw text of prompts/<name>.md and the set of its `{placeholder}` names."""
    if not _NAME.match(name):
        raise ConfigError(f"prompt {name!r}: invalid prompt name")
    try:
        text = resources.files(__package__).joinpath(f"{name}.md").read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ConfigError(f"prompt {name!r}: file prompts/{name}.md not found") from exc
    fields: set[str] = set()
    try:
        for _, field, spec, conv in string.Formatter().parse(text):
            if field is None:
                continue
            if not field.isidentifier() or spec or conv:
                raise ConfigError(f"prompt {name!r}: unsupported placeholder {{{field}}}")
            fields.add(field)
    except ValueError as exc:  # unbalanced braces
        raise ConfigError(f"prompt {name!r}: malformed template ({exc})") from exc
    return text, frozenset(fields)


def load_prompt(name: str, **values: object) -> str:
    """Load prompts/<name>.md and fill its placeholders.

    The placeholders in the file and the given values must match exactly: a missing or an extra
    value raises ConfigError naming the prompt and the placeholder. Literal braces are written `{{ }}`.
    """
    text, fields = _template(name)
    missing = sorted(fields - values.keys())
    if missing:
        raise ConfigError(f"prompt {name!r}: no value for placeholder {{{missing[0]}}}")
    extra = sorted(values.keys() - fields)
    if extra:
        raise ConfigError(f"prompt {name!r}: value given for unknown placeholder {{{extra[0]}}}")
    return text.format(**{k: str(v) for k, v in values.items()})
