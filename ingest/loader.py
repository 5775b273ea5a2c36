"""One loader interface for every disclosure format: `load_document(path, settings) -> Document`."""
from __future__ import annotations

import hashlib
import logging
import os
from pathlib import Path
from typing import Callable, Protocol

from budgetqa.core.errors import IngestError
from budgetqa.core.meta_override import MetaOverride
from budgetqa.core.records import Document, Page
from budgetqa.core.settings import Settings
from budgetqa.ingest import guard

log = logging.getLogger(__name__)


class Loader(Protocol):
    """Reads one file format into pages (text + tables). Raises IngestError naming the file."""

    def __call__(self, path: Path, data: bytes, settings: Settings) -> tuple[list[Page], bool, list[str]]:
        """Returns (pages, paged, warnings). `paged` is True when page numbers are real (PDF)."""
        ...


def _registry() -> dict[str, Callable]:
    # Imported lazily so that a missing optional parser only affects its own format.
    from budgetqa.ingest import docx, pdf, text, xlsx

    return {
        ".pdf": pdf.load_pdf,
        ".docx": docx.load_docx,
        ".xlsx": xlsx.load_xlsx,
        ".txt": text.load_text,
        ".md": text.load_text,
    }


SUPPORTED_SUFFIXES = (".pdf", ".docx", ".xlsx", ".txt", ".md")


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_file(path: Path, settings: Settings) -> bytes:
    """Read a file whole (so its hash and its content are the same bytes), with clear errors."""
    guard.check_path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise IngestError(
            str(path), f"unsupported file type '{suffix or '(none)'}'",
            "supported: " + ", ".join(SUPPORTED_SUFFIXES),
        )
    try:
        size = os.path.getsize(path)
        if size > settings.max_file_mb * 1024 * 1024:
            raise IngestError(str(path), f"file is {size / 1048576:.0f} MiB, over the {settings.max_file_mb:g} MiB limit",
                              "raise BUDGETQA_MAX_FILE_MB to ingest it")
        data = path.read_bytes()
    except FileNotFoundError:
        raise IngestError(str(path), "file not found (moved or deleted during ingestion?)") from None
    except IsADirectoryError:
        raise IngestError(str(path), "is a folder, not a file") from None
    except PermissionError:
        raise IngestError(str(path), "permission denied", "check the file's read permission") from None
    if not data.strip():
        raise IngestError(str(path), "file is empty")
    return data


def load_document(path: Path | str, settings: Settings, override: MetaOverride | None = None) -> Document:
    """Load any supported file into a Document (metadata from its content, else its name; `override` wins)."""
    from budgetqa.ingest.instructions import instruction_warnings
    from budgetqa.ingest.metadata import infer_metadata

    path = Path(path)
    data = read_file(path, settings)
    guard.check_content(path, data, settings)
    loader = _registry()[path.suffix.lower()]
    pages, paged, warnings = loader(path, data, settings)
    doc = Document(
        path=str(path.resolve()),
        name=path.name,
        sha256=sha256_bytes(data),
        format=path.suffix.lower().lstrip("."),
        pages=pages,
        paged=paged,
        warnings=list(warnings),
    )
    for i, table in enumerate(doc.tables):  # table indexes are document-wide
        table.index = i
    ocr = [p.number for p in pages if p.needs_ocr]
    if ocr and len(ocr) == len(pages):
        raise IngestError(
            str(path), "no extractable text on any page (scanned or image-only document)",
            "run OCR on it first (e.g. ocrmypdf) and ingest the result",
        )
    if ocr:
        doc.warnings.append(f"{len(ocr)} 页需要OCR（无可提取文字）：第 {', '.join(map(str, ocr))} 页")
    doc.warnings.extend(instruction_warnings(doc))
    doc.meta, meta_warnings = infer_metadata(doc, override)
    doc.warnings.extend(meta_warnings)
    return doc
