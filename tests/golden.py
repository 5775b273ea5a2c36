"""Golden extraction snapshots: the facts extracted from each shared document, one JSON object per line.

A change in extraction shows as a reviewable diff of `tests/golden/*.jsonl`. Rewrite them after an intended
change with:

    .venv/bin/python -m tests.golden            # all shared documents
    .venv/bin/python -m tests.golden 财政局       # only the documents whose name contains the text
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from budgetqa.core.records import Fact
from budgetqa.core.settings import Settings
from budgetqa.ingest.facts import extract_facts
from budgetqa.ingest.loader import load_document

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"
GOLDEN = REPO / "tests" / "golden"
FIELDS = ("org", "year", "doc_kind", "statement", "row_label", "column_label", "code", "item", "measure",
          "value_text", "value", "unit", "period", "page", "table_index", "row_index", "col_index")


def documents() -> list[Path]:
    return sorted([*CORPUS.glob("seeds/*.txt"), *CORPUS.glob("pdf/*.pdf")])


def golden_path(doc: Path) -> Path:
    return GOLDEN / f"{doc.stem}.jsonl"


def record(fact: Fact) -> dict:
    out = {}
    for name in FIELDS:
        value = getattr(fact, name, None)
        out[name] = None if value is None else (str(value) if name == "value" else value)
    return out


def snapshot(doc: Path) -> list[str]:
    """The document's facts as JSON lines, in extraction order."""
    loaded = load_document(doc, Settings(embedding_model="hash"))
    return [json.dumps(record(f), ensure_ascii=False, sort_keys=False) for f in extract_facts(loaded)]


def main(argv: list[str]) -> int:
    GOLDEN.mkdir(parents=True, exist_ok=True)
    for doc in documents():
        if argv and not any(a in doc.name for a in argv):
            continue
        lines = snapshot(doc)
        golden_path(doc).write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(f"{len(lines):5d} facts  {golden_path(doc).relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
