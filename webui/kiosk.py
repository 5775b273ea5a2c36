"""Public-terminal guards: rate limits per client address and over all clients (shared by every session of
the app process, so a page reload does not reset them), idle reset, input cap and the large-type style."""
from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque
from dataclasses import dataclass, field
from typing import Mapping

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
    """At most `limit` events per `window_s` seconds (sliding window)."""

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
class Verdict:
    allowed: bool
    retry_after: float = 0.0
    scope: str = ""  # why not: 'client' (this address asks too often) or 'all' (the kiosk as a whole is busy)


class SharedRateLimits:
    """Per-client and overall sliding-window limits, thread-safe; one instance serves all sessions.

    At most `max_clients` addresses are tracked (the least recently seen are forgotten first), so a flood of
    spoofed addresses cannot grow memory without bound; the overall limit still holds for them."""

    def __init__(self, per_client: int, overall: int, window_s: float = 60.0, max_clients: int = 10000):
        self.per_client, self.window_s, self.max_clients = per_client, window_s, max_clients
        self.overall = RateLimiter(overall, window_s)
        self._clients: OrderedDict[str, RateLimiter] = OrderedDict()
        self._lock = threading.Lock()

    def allow(self, client: str, now: float | None = None) -> Verdict:
        """Record one question from `client` and allow it, or refuse it (nothing recorded)."""
        now = time.monotonic() if now is None else now
        with self._lock:
            limiter = self._clients.pop(client, None) or RateLimiter(self.per_client, self.window_s)
            self._clients[client] = limiter  # most recently seen last
            while len(self._clients) > self.max_clients:
                self._clients.popitem(last=False)
            wait = limiter.retry_after(now)
            if wait > 0:
                return Verdict(False, wait, "client")
            wait = self.overall.retry_after(now)
            if wait > 0:
                return Verdict(False, wait, "all")
            limiter.allow(now)
            self.overall.allow(now)
            return Verdict(True)

    def clients(self) -> int:
        return len(self._clients)


def client_key(headers: Mapping[str, str] | None, ip_address: str | None, header: str | None) -> str:
    """The client address a limit is kept for: the reverse proxy's header when configured (for
    X-Forwarded-For its last entry, the one the proxy itself appended), else the connection's address."""
    if header and headers:
        value = next((v for k, v in headers.items() if k.lower() == header.lower()), None)
        if value:
            parts = [p.strip() for p in value.split(",") if p.strip()]
            if parts:
                return parts[-1][:64]
    return ip_address[:64] if isinstance(ip_address, str) and ip_address else "unknown"


def refusal_text(verdict: Verdict) -> str:
    wait = int(verdict.retry_after) + 1
    if verdict.scope == "all":
        return f"当前提问的人较多，请 {wait} 秒后再试。"
    return f"提问太频繁了，请 {wait} 秒后再试。"


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
