"""Kiosk load test: the app in kiosk mode on loopback, and N concurrent sessions speaking Streamlit's own
websocket protocol (what a browser sends: a rerun with the chat input's value), each session from its own
client address through the configured proxy header. Bounded in sessions, duration and requests; prints
requests, answers (correct or not), refusals by limit, p50/p95 latency and the server's peak memory.

    budgetqa bench-kiosk --sessions 20 --seconds 60    # on the store of --store (sample corpus if empty)
"""
from __future__ import annotations

import asyncio
import logging
import statistics
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from budgetqa.core.settings import Settings
from budgetqa.webui.browser import serve

log = logging.getLogger(__name__)

PROXY_HEADER = "X-Forwarded-For"
QUESTION = "2021年示例区信访局信访专项经费是多少？"
EXPECTED = "80万元"
_MSG_TIMEOUT_S = 60.0


@dataclass
class LoadReport:
    sessions: int
    seconds: float
    per_client_limit: int
    overall_limit: int
    requests: int = 0
    spans: dict[str, list[tuple[float, float]]] = field(default_factory=dict, repr=False)
    answered: int = 0
    correct: int = 0
    refused_client: int = 0
    refused_overall: int = 0
    errors: int = 0
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    max_ms: float = 0.0
    server_peak_rss_mb: float = 0.0
    max_answered_per_client: int = 0
    max_answered_per_client_60s: int = 0
    max_answered_60s: int = 0
    limits_held: bool = False
    latencies_ms: list[float] = field(default_factory=list, repr=False)

    def summary(self) -> dict:
        out = asdict(self)
        out.pop("latencies_ms")
        out.pop("spans")
        return out


class _Session:
    """One browser tab: a websocket, the chat input's widget id, and the text of the last run."""

    def __init__(self, url: str, client: str):
        self.url, self.client = url, client
        self.ws = None
        self.chat_id: str | None = None

    async def open(self) -> None:
        import websockets  # a dependency of streamlit itself

        ws_url = self.url.replace("http://", "ws://") + "/_stcore/stream"
        self.ws = await websockets.connect(ws_url, additional_headers={PROXY_HEADER: self.client},
                                           subprotocols=["streamlit"], max_size=None, open_timeout=_MSG_TIMEOUT_S)
        await self.run(None)

    async def run(self, question: str | None) -> str:
        """One script run (with the question in the chat input); the text of every element it sent."""
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        msg = BackMsg()
        msg.rerun_script.query_string = ""
        if question is not None and self.chat_id:
            state = msg.rerun_script.widget_states.widgets.add()
            state.id = self.chat_id
            state.chat_input_value.data = question
        await self.ws.send(msg.SerializeToString())
        texts: list[str] = []
        while True:
            raw = await asyncio.wait_for(self.ws.recv(), _MSG_TIMEOUT_S)
            fwd = ForwardMsg()
            fwd.ParseFromString(raw)
            kind = fwd.WhichOneof("type")
            if kind == "delta":
                self._read_delta(fwd.delta, texts)
            elif kind == "script_finished":
                if fwd.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    continue  # the chat page reruns itself after an answer: wait for that run too
                return "\n".join(texts)

    def _read_delta(self, delta, texts: list[str]) -> None:
        if delta.WhichOneof("type") != "new_element":
            return
        element = delta.new_element
        kind = element.WhichOneof("type")
        if kind == "chat_input":
            self.chat_id = element.chat_input.id
        elif kind in ("markdown", "alert"):
            texts.append(getattr(element, kind).body)


async def _session(url: str, client: str, deadline: float, pause_s: float, report: LoadReport,
                   per_client: dict[str, int], max_requests: int) -> None:
    session = _Session(url, client)
    try:
        await session.open()
    except Exception as exc:  # noqa: BLE001 - counted, the others go on
        log.warning("session %s could not open: %s", client, exc)
        report.errors += 1
        return
    n = 0
    while time.monotonic() < deadline and n < max_requests:
        n += 1
        report.requests += 1
        t0 = time.monotonic()
        try:
            text = await session.run(QUESTION)
        except Exception as exc:  # noqa: BLE001
            log.warning("session %s: %s", client, exc)
            report.errors += 1
            break
        report.latencies_ms.append((time.monotonic() - t0) * 1000)
        if "太频繁" in text:
            report.refused_client += 1
        elif "人较多" in text:
            report.refused_overall += 1
        elif "状态" in text or EXPECTED in text or "万元" in text:
            report.answered += 1
            per_client[client] = per_client.get(client, 0) + 1
            report.spans.setdefault(client, []).append((t0, time.monotonic()))
            report.correct += EXPECTED in text
        else:
            report.errors += 1
        await asyncio.sleep(pause_s)
    await session.ws.close()


def _peak_rss_mb(pid: int) -> float:
    """VmHWM (peak resident memory) of a process, in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def run_load_test(settings: Settings, sessions: int = 20, seconds: float = 60.0, pause_s: float = 1.0,
                  max_requests: int = 200) -> LoadReport:
    """Serve the store in kiosk mode on 127.0.0.1 and drive it; the numbers of one run."""
    env = {"BUDGETQA_STORE": str(settings.store), "BUDGETQA_EMBEDDING_MODEL": settings.embedding_model,
           "BUDGETQA_MODE": "kiosk", "BUDGETQA_KIOSK_CLIENT_IP_HEADER": PROXY_HEADER,
           "BUDGETQA_KIOSK_RATE_LIMIT_PER_MIN": str(settings.kiosk_rate_limit_per_min),
           "BUDGETQA_KIOSK_GLOBAL_RATE_LIMIT_PER_MIN": str(settings.kiosk_global_rate_limit_per_min)}
    report = LoadReport(sessions, seconds, settings.kiosk_rate_limit_per_min, settings.kiosk_global_rate_limit_per_min)
    per_client: dict[str, int] = {}
    pids: list[int] = []
    with serve(env, timeout_s=90, on_start=pids.append) as url:
        pid = pids[0]

        async def main() -> None:
            warm = _Session(url, "10.255.0.1")  # loads the engine once, outside the timed window
            await warm.open()
            await warm.run(QUESTION)
            await warm.ws.close()
            deadline = time.monotonic() + seconds
            await asyncio.gather(*(_session(url, f"10.0.{i // 250}.{i % 250 + 1}", deadline, pause_s, report,
                                            per_client, max_requests) for i in range(sessions)))

        asyncio.run(main())
        report.server_peak_rss_mb = round(_peak_rss_mb(pid), 1)
    lat = sorted(report.latencies_ms)
    if lat:
        report.p50_ms = round(statistics.median(lat), 1)
        report.p95_ms = round(lat[max(0, round(0.95 * len(lat)) - 1)], 1)
        report.max_ms = round(lat[-1], 1)
    report.max_answered_per_client = max(per_client.values(), default=0)
    report.max_answered_per_client_60s = max((most_in_window(s) for s in report.spans.values()), default=0)
    report.max_answered_60s = most_in_window([s for spans in report.spans.values() for s in spans])
    report.limits_held = (report.max_answered_per_client_60s <= settings.kiosk_rate_limit_per_min
                          and report.max_answered_60s <= settings.kiosk_global_rate_limit_per_min)
    return report


def most_in_window(spans: list[tuple[float, float]], window_s: float = 60.0) -> int:
    """Most answered requests whose whole (send, receive) span fits in one window: the server let each of them
    through somewhere inside its span, so more than the limit here would be a certain breach."""
    return max((sum(1 for s, r in spans if a <= s and r <= a + window_s) for a, _ in spans), default=0)
