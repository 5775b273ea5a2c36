"""LLM synthesis hook (issue 5 replaces this pass-through with the LangChain mode and the number guard)."""
from __future__ import annotations

from typing import Callable

from budgetqa.records import Answer, Passage
from budgetqa.settings import Settings


def maybe_synthesize(
    answer: Answer,
    passages: list[Passage],
    settings: Settings,
    on_token: Callable[[str], None] | None = None,
) -> Answer:
    """Return the answer rewritten by the configured LLM, or unchanged when no LLM is configured."""
    return answer
