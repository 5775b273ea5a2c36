"""The LLM connection: a LangChain chat model for any OpenAI-compatible endpoint, and streamed generation.

`make_chat_model(settings)` returns None when no endpoint is configured (offline template answers).
`generate(...)` streams tokens to a callback and turns every model failure or timeout into LLMUnavailable.
"""
from __future__ import annotations

import logging
import queue
import threading
import time
from typing import Any, Callable, Sequence

from budgetqa.core.errors import BudgetQAError
from budgetqa.core.settings import Settings

log = logging.getLogger(__name__)

MAX_RETRIES = 1  # one quick retry inside the client; the whole answer is bounded by the timeout anyway
TOTAL_TIMEOUT_FACTOR = 4  # the whole answer may take this many times the per-token timeout


class LLMUnavailable(BudgetQAError):
    """The LLM could not produce an answer (unreachable, erroring, too slow, empty)."""


def make_chat_model(settings: Settings) -> Any | None:
    """A ChatOpenAI for settings.llm_base_url / llm_model, or None when either is not set.

    The key comes from settings.llm_api_key (env BUDGETQA_LLM_API_KEY); local servers (Ollama, vLLM)
    accept any text, so a placeholder is sent when none is set.
    """
    if not settings.llm_base_url or not settings.llm_model:
        return None
    from langchain_openai import ChatOpenAI  # imported lazily: the offline path never needs it

    return ChatOpenAI(
        base_url=settings.llm_base_url,
        model=settings.llm_model,
        api_key=settings.llm_api_key or "not-needed",
        timeout=settings.llm_timeout_s,
        max_retries=MAX_RETRIES,
        temperature=0,
    )


def generate(
    model: Any,
    messages: Sequence[Any],
    on_token: Callable[[str], None] | None = None,
    timeout: float = 30.0,
) -> str:
    """Stream the model's answer to `messages`, calling on_token(text) for each piece; return the whole text.

    `timeout` bounds the wait for the first token and between tokens; the whole answer must arrive within
    TOTAL_TIMEOUT_FACTOR * timeout. The model runs in a daemon thread so a hung connection cannot block the
    caller; on_token runs in the caller's thread and its exceptions propagate unchanged (that is how a caller
    stops generation early). Any model error, timeout or an empty answer raises LLMUnavailable.
    """
    pieces: queue.Queue[tuple[str, Any]] = queue.Queue()
    stop = threading.Event()

    def worker() -> None:
        try:
            for chunk in model.stream(list(messages)):
                if stop.is_set():
                    return
                text = _chunk_text(chunk)
                if text:
                    pieces.put(("token", text))
            pieces.put(("done", None))
        except Exception as exc:  # noqa: BLE001 - every model failure becomes LLMUnavailable below
            pieces.put(("error", exc))

    thread = threading.Thread(target=worker, name="budgetqa-llm", daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout * TOTAL_TIMEOUT_FACTOR
    parts: list[str] = []
    try:
        while True:
            wait = min(timeout, deadline - time.monotonic())
            if wait <= 0:
                raise LLMUnavailable(f"answer not complete within {timeout * TOTAL_TIMEOUT_FACTOR:g}s")
            try:
                kind, payload = pieces.get(timeout=wait)
            except queue.Empty:
                raise LLMUnavailable(f"no output from the model within {wait:.1f}s") from None
            if kind == "done":
                break
            if kind == "error":
                raise LLMUnavailable(f"{type(payload).__name__}: {payload}") from payload
            parts.append(payload)
            if on_token is not None:
                on_token(payload)
    finally:
        stop.set()
    text = "".join(parts)
    if not text.strip():
        raise LLMUnavailable("the model returned an empty answer")
    return text


def _chunk_text(chunk: Any) -> str:
    """Text of a streamed message chunk (content is a string or a list of content blocks)."""
    content = getattr(chunk, "content", chunk)
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(
            b if isinstance(b, str) else str(b.get("text", "")) if isinstance(b, dict) and b.get("type") == "text" else ""
            for b in content
        )
    return ""
