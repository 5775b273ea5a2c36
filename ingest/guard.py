"""Checks that run on a file's bytes before any parser opens it: the name, symbolic links, the content
type (magic bytes decide, not the extension), ZIP packages bounded by their central directory (zip bombs)
and the page count of PDFs. Each failure is an IngestError naming the file, raised in bounded time and memory.
"""
from __future__ import annotations

import io
import logging
import re
import zipfile
from pathlib import Path

from budgetqa.core.errors import IngestError
from budgetqa.core.settings import Settings

log = logging.getLogger(__name__)

_MIB = 1024 * 1024
_RATIO_MIN_MEMBER = _MIB  # small members (styles, rels) may compress far better than text: not judged by ratio
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029\u202a-\u202e\u2066-\u2069]")

# Leading bytes of formats people rename by mistake (or on purpose), with the name shown to the user.
_MAGIC: list[tuple[bytes, str]] = [
    (b"%PDF", "PDF"),
    (b"PK\x03\x04", "ZIP"),
    (b"PK\x05\x06", "ZIP"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "OLE"),
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"II*\x00", "TIFF image"),
    (b"MM\x00*", "TIFF image"),
    (b"\x7fELF", "executable (ELF)"),
    (b"MZ", "Windows executable"),
    (b"\x1f\x8b", "gzip archive"),
    (b"Rar!", "RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "7z archive"),
    (b"{\\rtf", "RTF document"),
]
_EXPECTED = {".pdf": "PDF", ".docx": "ZIP", ".xlsx": "ZIP"}


def shown_name(path: Path | str) -> str:
    """The path as one printable line: control and bidi-override characters escaped (\\n, \\u202e, ...)."""
    return _CONTROL.sub(lambda m: m.group(0).encode("unicode_escape").decode("ascii"), str(path))


def sniff(data: bytes) -> str | None:
    """The format the leading bytes announce, or None (plain text, or unknown)."""
    if b"%PDF" in data[:1024]:  # PDF readers accept a few bytes of junk before the header
        return "PDF"
    return next((name for magic, name in _MAGIC if data.startswith(magic)), None)


def check_path(path: Path) -> None:
    """Refuse symbolic links (they may point anywhere) and names a terminal or log would misprint."""
    if path.is_symlink():
        raise IngestError(shown_name(path), "is a symbolic link; links are not followed",
                          "ingest the file it points to directly")
    if _CONTROL.search(path.name):
        raise IngestError(shown_name(path), "file name contains control or text-direction characters",
                          "rename the file")


def check_content(path: Path, data: bytes, settings: Settings) -> None:
    """The content must be what the extension says; ZIP packages and PDFs are bounded before parsing."""
    suffix = path.suffix.lower()
    found = sniff(data)
    expected = _EXPECTED.get(suffix)
    name = shown_name(path)
    if expected == "PDF" and found not in (None, "PDF"):
        raise IngestError(name, f"content is a {found}, not a PDF (the extension does not match the content)",
                          "convert it to PDF or give it its real extension")
    if expected == "ZIP" and found not in (None, "ZIP", "OLE"):
        label = suffix.lstrip(".").upper()
        raise IngestError(name, f"content is a {found}, not a {label} (the extension does not match the content)",
                          f"save it again as .{label.lower()}")
    if expected is None and found is not None:  # .txt / .md
        raise IngestError(name, f"content is a {found}, not text (the extension does not match the content)",
                          "give the file its real extension")
    if expected is None and b"\x00" in data[:65536]:
        raise IngestError(name, "content is binary (NUL bytes), not text", "give the file its real extension")
    if found == "ZIP":
        check_zip(path, data, settings)


def check_zip(path: Path, data: bytes, settings: Settings) -> None:
    """Read only the ZIP central directory: member count, total and per-member uncompressed size, and the
    compression ratio of large members. A damaged directory is left to the loader's own message."""
    try:
        infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return
    label = path.suffix.lstrip(".").upper() or "ZIP"
    name = shown_name(path)
    hint = "the package is refused before parsing (possible zip bomb); re-save it from Word/Excel/WPS"
    if len(infos) > settings.zip_max_entries:
        raise IngestError(name, f"{label} package lists {len(infos)} members, over the limit of "
                                f"{settings.zip_max_entries}", hint + "; or raise BUDGETQA_ZIP_MAX_ENTRIES")
    total = sum(i.file_size for i in infos)
    if total > settings.zip_max_uncompressed_mb * _MIB:
        raise IngestError(name, f"{label} package would inflate to {total / _MIB:.0f} MiB, over the "
                                f"{settings.zip_max_uncompressed_mb:g} MiB limit",
                          hint + "; or raise BUDGETQA_ZIP_MAX_UNCOMPRESSED_MB")
    for info in infos:
        if info.file_size >= _RATIO_MIN_MEMBER:
            ratio = info.file_size / max(1, info.compress_size)
            if ratio > settings.zip_max_ratio:
                raise IngestError(name, f"{label} member {info.filename} is compressed {ratio:.0f}:1, over the "
                                        f"{settings.zip_max_ratio:g}:1 limit",
                                  hint + "; or raise BUDGETQA_ZIP_MAX_RATIO")


def check_pdf_pages(path: Path, data: bytes, settings: Settings) -> int:
    """The page count read from the page tree by pdfium (fast, no page is parsed); refused over the cap."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except Exception as exc:  # encrypted or damaged: the PDF loader words these
        log.debug("%s: pdfium cannot count pages (%s)", path, exc)
        return 0
    try:
        pages = len(pdf)
    finally:
        pdf.close()
    if pages > settings.pdf_max_pages:
        raise IngestError(shown_name(path), f"PDF has {pages} pages, over the limit of {settings.pdf_max_pages}",
                          "split it, or raise BUDGETQA_PDF_MAX_PAGES")
    return pages
