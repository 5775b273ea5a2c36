"""Parse one file in a worker subprocess with a time limit and an address-space limit (resource.setrlimit),
so that a hostile or pathological file can neither hang nor exhaust the ingest (or the app) that reads it.

Workers are forked from a forkserver that has the parsers imported already, so a file costs a fork, not an
interpreter start. The Document comes back pickled over a pipe; an IngestError raised in the worker comes
back as the same IngestError; a worker killed for its time, memory or by a crash is an IngestError naming
the file. `Settings.parse_in_subprocess=False` parses in the calling process (no limits).
"""
from __future__ import annotations

import contextlib
import logging
import multiprocessing
import resource
import sys
import types
from pathlib import Path
from typing import Any, Callable, Iterator

from budgetqa.core.errors import IngestError
from budgetqa.core.meta_override import MetaOverride
from budgetqa.core.records import Document
from budgetqa.core.settings import Settings
from budgetqa.ingest.guard import shown_name
from budgetqa.ingest.loader import load_document

log = logging.getLogger(__name__)

_PRELOAD = ["budgetqa.ingest.loader", "budgetqa.ingest.pdf", "budgetqa.ingest.docx", "budgetqa.ingest.xlsx",
            "budgetqa.ingest.text", "budgetqa.ingest.metadata", "pdfplumber", "pypdfium2", "docx", "openpyxl",
            "budgetqa.ingest.preload"]  # the last one builds the BM25 tokenizer once, for every worker to inherit
_GRACE_S = 5.0  # beyond the parse time limit, for pickling the result and the fork itself
_context = None


def _ctx():
    global _context
    if _context is None:
        _context = multiprocessing.get_context("forkserver")
        _context.set_forkserver_preload(_PRELOAD)
    return _context


def parse_file(path: Path | str, settings: Settings, override: MetaOverride | None = None,
               then: Callable[[Document, Settings], Any] | None = None) -> Any:
    """`load_document` in a bounded worker (or in-process when parse_in_subprocess is off).

    `then(doc, settings)`, a module-level function, runs in the same worker after the parse and its result is
    returned instead of the Document (the ingest chunks, extracts and tokenizes there, off the parent's GIL).
    """
    path = Path(path)
    if not settings.parse_in_subprocess:
        doc = load_document(path, settings, override)
        return then(doc, settings) if then is not None else doc
    ctx = _ctx()
    receiver, sender = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(str(path), settings.model_dump_json(), override, sender, then),
                       daemon=True,
                       name=f"budgetqa-parse-{path.name[:40]}")
    with _main_module_hidden():
        proc.start()
    sender.close()
    try:
        if not receiver.poll(settings.parse_timeout_s + _GRACE_S):
            raise IngestError(shown_name(path), f"parsing took longer than {settings.parse_timeout_s:g} s and was "
                                                "stopped", "raise BUDGETQA_PARSE_TIMEOUT_S if the file is genuine")
        try:
            kind, payload = receiver.recv()
        except (EOFError, OSError):
            proc.join(2)
            raise _died(path, proc.exitcode, settings) from None
    finally:
        receiver.close()
        if proc.is_alive():
            proc.kill()
        proc.join(5)
    if kind == "ok":
        return payload
    if kind == "ingest_error":
        raise IngestError(*payload)
    if kind == "memory":
        raise _memory_error(path, settings)
    raise IngestError(shown_name(path), f"the parser failed ({payload})", "the file may be damaged")


@contextlib.contextmanager
def _main_module_hidden() -> Iterator[None]:
    """multiprocessing re-imports the parent's `__main__` script in the child (a Streamlit page, a `python -`
    script, a user's unguarded script...). The worker needs only the parsers: hide `__main__` while the
    process is being started, so that no preparation data names it."""
    main = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        if main is not None:
            sys.modules["__main__"] = main


def _died(path: Path, exitcode: int | None, settings: Settings) -> IngestError:
    if exitcode in (-9, -24):  # SIGKILL / SIGXCPU: the CPU limit of the worker
        return IngestError(shown_name(path), f"parsing took longer than {settings.parse_timeout_s:g} s and was "
                                             "stopped", "raise BUDGETQA_PARSE_TIMEOUT_S if the file is genuine")
    return IngestError(shown_name(path), f"the parser crashed (exit code {exitcode})", "the file may be damaged")


def _memory_error(path: Path, settings: Settings) -> IngestError:
    return IngestError(shown_name(path), f"parsing needed more than {settings.parse_memory_mb} MiB of memory "
                                         "and was stopped", "raise BUDGETQA_PARSE_MEMORY_MB if the file is genuine")


def _limit(settings: Settings) -> None:
    memory = settings.parse_memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    cpu = int(settings.parse_timeout_s) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))


def _child(path: str, settings_json: str, override: MetaOverride | None, sender, then=None) -> None:
    settings = Settings.model_validate_json(settings_json)
    try:
        _limit(settings)
        doc = load_document(Path(path), settings, override)
        message = ("ok", then(doc, settings) if then is not None else doc)
    except IngestError as exc:
        message = ("ingest_error", (exc.path, exc.problem, exc.hint))
    except MemoryError:
        message = ("memory", None)
    except Exception as exc:  # noqa: BLE001 - any parser crash becomes one line naming the file
        message = ("crash", f"{type(exc).__name__}: {str(exc)[:200]}")
    try:
        sender.send(message)
    except MemoryError:
        sender.send(("memory", None))
    finally:
        sender.close()
