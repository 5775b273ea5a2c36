"""Public-terminal guards: per-session rate limit, idle reset, input cap and the large-type style."""
from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field

KIOSK_CSS = """
<style>
html, body, [class*="css"], .stMarkdown, .stChatMessage, .stButton button, .stChatInput textarea {
  font-size: 1.35rem !important; line-height: 1.6 !important;
}
.stChatInput textarea { min-height: 3.2rem !important; }
.stButton button { padding: 0.7rem 1.2rem !important; }
h1 { font-size: 2.6rem !important; }
[data-testid="stToolbar"], [data-testid="stMainMenu"], [data-testid="stAppDeployButton"] { display: none !important; }
</style>
"""


@dataclass
class RateLimiter:
    """At most `limit` events per `window_s` seconds (sliding window). One per browser session."""

    limit: int
    window_s: float = 60.0
    events: deque = field(default_factory=deque)

    def _expire(self, now: float) -> None:
        while self.events and now - self.events[0] >= self.window_s:
            self.events.popleft()

    def allow(self, now: float | None = None) -> bool:
        """Record an event and return True, or return False (nothing recorded) when over the limit."""
        now = time.monotonic() if now is None else now
        self._expire(now)
        if len(self.events) >= self.limit:
            return False
        self.events.append(now)
        return True

    def retry_after(self, now: float | None = None) -> float:
        """Seconds until the next event would be allowed (0 when it would be now)."""
        now = time.monotonic() if now is None else now
        self._expire(now)
        if len(self.events) < self.limit:
            return 0.0
        return max(0.0, self.window_s - (now - self.events[0]))


@dataclass
class IdleTimer:
    """Tells when a conversation has been left alone longer than `timeout_s`."""

    timeout_s: float
    last: float = field(default_factory=time.monotonic)

    def touch(self, now: float | None = None) -> None:
        self.last = time.monotonic() if now is None else now

    def idle_for(self, now: float | None = None) -> float:
        return (time.monotonic() if now is None else now) - self.last

    def expired(self, now: float | None = None) -> bool:
        return self.idle_for(now) >= self.timeout_s


def check_question(text: str, max_chars: int) -> tuple[str | None, str | None]:
    """(clean question, None) or (None, Chinese reason) for an empty or over-long question."""
    question = " ".join((text or "").split())
    if not question:
        return None, "请输入问题。"
    if len(question) > max_chars:
        return None, f"问题太长了（{len(question)} 字），请控制在 {max_chars} 字以内。"
    return question, None
