"""The printed tables of a stored document, read back from its table chunks (blank cells included).

The side store keeps tables as chunks (ingest/chunker.py): an optional title line, an optional '单位：万元' line,
then the header rows repeated in every piece and the piece's body rows, one ' | '-joined line per row; the
piece's locator ends with '第a-b行' (1-based rows of the table, header included). Reading them back gives the
audit the same rows as the loader did, without parsing the file again (the file may be gone).
"""
from __future__ import annotations

import logging
import re
from collections import defaultdict

from budgetqa.core.records import Chunk, Table

log = logging.getLogger(__name__)

_ROWS = re.compile(r"第(\d+)-(\d+)行$")
_UNIT = re.compile(r"^单位：(.+)$")
_SEP = " | "


def _rows_of(chunk: Chunk, header: int | None) -> tuple[list[list[str]], int | None, list[str]]:
    """(rows, header row count, lines before the rows) of one piece of a table."""
    lines = chunk.text.split("\n")
    m = _ROWS.search(chunk.section or "")
    if not m:  # a table without body rows: everything after the title/unit lines is header
        head = [ln for ln in lines[:2] if _SEP not in ln]
        return [ln.split(_SEP) for ln in lines[len(head):]], None, head
    first, last = int(m.group(1)), int(m.group(2))
    header = first - 1 if header is None else header
    count = header + last - first + 1
    if count > len(lines):
        raise ValueError(f"chunk {chunk.id}: {count} rows announced, {len(lines)} lines")
    return [ln.split(_SEP) for ln in lines[len(lines) - count:]], header, lines[:len(lines) - count]


def tables_from_chunks(chunks: list[Chunk]) -> list[Table]:
    """Tables rebuilt from the table chunks of one document (document order, indexes as ingested)."""
    pieces: dict[int, list[Chunk]] = defaultdict(list)
    for c in sorted(chunks, key=lambda c: c.ordinal):
        if c.kind == "table" and c.table_index is not None:
            pieces[c.table_index].append(c)
    out = []
    for index in sorted(pieces):
        rows: list[list[str]] = []
        header: int | None = None
        title = unit = None
        for n, chunk in enumerate(pieces[index]):
            got, header, before = _rows_of(chunk, header)
            if n == 0:
                for line in before:
                    m = _UNIT.match(line)
                    if m:
                        unit = m.group(1)
                    elif line and title is None:
                        title = line
                rows.extend(got)
            else:
                rows.extend(got[header or 0:])
        first = pieces[index][0]
        out.append(Table(index=index, rows=rows, unit=unit, title=title, page=first.page,
                         char_start=first.char_start, char_end=first.char_end))
    return out


def stored_tables(store, doc_id: str) -> list[Table]:
    """The tables of a stored document ([] when they cannot be read back; the checks needing them then stay quiet)."""
    try:
        return tables_from_chunks(store.chunks(doc_ids=[doc_id]))
    except ValueError:
        log.warning("tables of %s could not be read back from the store", doc_id[:12], exc_info=True)
        return []
