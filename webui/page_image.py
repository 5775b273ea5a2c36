"""Render a PDF page to PNG (pypdfium2) with the cited passage and figures boxed (pdfplumber + PIL).

Pure functions, cached per process; the app shows the PNG next to the quoted passage.
"""
from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from budgetqa.webui.highlight import NUMBER_RE, matches

log = logging.getLogger(__name__)

SCALE = 2.0  # pixels per PDF point: sharp enough for a 9 pt table cell
LINE_COLOR = (255, 200, 0)  # amber box around the quoted line(s)
FIGURE_COLOR = (220, 30, 30)  # red box around the cited figure
CROP_MARGIN_PT = 110  # page band kept above and below the boxes of a cropped image
_MAX_QUOTE_CHARS = 160  # longer quotes are located by their beginning


@dataclass(frozen=True)
class Box:
    x0: float
    top: float
    x1: float
    bottom: float

    def scaled(self, k: float, pad: float = 2.0) -> tuple[float, float, float, float]:
        return ((self.x0 - pad) * k, (self.top - pad) * k, (self.x1 + pad) * k, (self.bottom + pad) * k)

    def overlaps_rows(self, other: "Box") -> bool:
        return self.top < other.bottom and other.top < self.bottom


def _quote_pattern(quote: str) -> str | None:
    """A regex matching the quote whatever the whitespace and line breaks of the page text."""
    chars = [c for c in quote if not c.isspace() and c not in "|"][:_MAX_QUOTE_CHARS]
    if len(chars) < 2:
        return None
    return r"\s*".join(re.escape(c) for c in chars)


def _line_boxes(chars: list[dict]) -> list[Box]:
    """One box per printed line of the matched characters."""
    lines: dict[int, list[dict]] = {}
    for ch in chars:
        lines.setdefault(round(ch["top"]), []).append(ch)
    return [
        Box(min(c["x0"] for c in cs), min(c["top"] for c in cs), max(c["x1"] for c in cs), max(c["bottom"] for c in cs))
        for cs in lines.values()
    ]


def locate_quote(page, quote: str) -> list[Box]:
    """Boxes of the quoted text on a pdfplumber page; falls back to its first cell or line."""
    candidates = [quote]
    first = re.split(r"[\t|\n]| {2,}", quote.strip())[0]
    if first and first != quote:
        candidates.append(first)
    for text in candidates:
        pattern = _quote_pattern(text)
        if not pattern:
            continue
        try:
            found = page.search(pattern, regex=True, return_chars=True)
        except Exception:  # a pathological pattern must not break the citation view
            log.debug("quote search failed on page %s", page.page_number, exc_info=True)
            continue
        if found:
            return _line_boxes(found[0]["chars"])
    return []


def locate_figures(page, targets: set[Decimal], near: list[Box]) -> list[Box]:
    """Boxes of the printed numbers equal to a target; on the quoted lines when those were found."""
    if not targets:
        return []
    hits = [
        Box(m["x0"], m["top"], m["x1"], m["bottom"])
        for m in page.search(NUMBER_RE.pattern, regex=True)
        if matches(m["text"], targets)
    ]
    if near:
        hits = [h for h in hits if any(h.overlaps_rows(n) for n in near)]
    elif len(hits) > 4:  # no anchor and many candidates: marking them all would mislead
        return []
    return hits


@lru_cache(maxsize=64)
def render_page_png(pdf_path: str, page_number: int, quote: str = "", targets: frozenset = frozenset(),
                    scale: float = SCALE, crop: bool = False) -> bytes | None:
    """PNG bytes of a 1-based page with the quote and the target figures boxed; None if unreadable.

    `crop`: keep only the band of the page around the boxes (the whole page when nothing was found).
    """
    path = Path(pdf_path)
    if not path.is_file():
        log.warning("page image: %s is missing", pdf_path)
        return None
    try:
        image = _render(path, page_number, scale)
        boxes_line, boxes_fig = _locate(path, page_number, quote, set(targets))
    except Exception:
        log.exception("page image: cannot render %s page %s", pdf_path, page_number)
        return None
    from PIL import ImageDraw

    draw = ImageDraw.Draw(image, "RGBA")
    for b in boxes_line:
        draw.rectangle(b.scaled(scale), fill=LINE_COLOR + (60,), outline=LINE_COLOR + (255,), width=2)
    for b in boxes_fig:
        draw.rectangle(b.scaled(scale, pad=3), outline=FIGURE_COLOR + (255,), width=4)
    boxes = boxes_line + boxes_fig
    if crop and boxes:
        margin = CROP_MARGIN_PT * scale
        top = max(0, min(b.top for b in boxes) * scale - margin)
        bottom = min(image.height, max(b.bottom for b in boxes) * scale + margin)
        image = image.crop((0, int(top), image.width, int(bottom)))
    ImageDraw.Draw(image).rectangle((0, 0, image.width - 1, image.height - 1), outline=(190, 190, 190), width=2)
    buf = io.BytesIO()
    image.save(buf, format="PNG", optimize=True)
    return buf.getvalue()


def _render(path: Path, page_number: int, scale: float):
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        page = pdf[page_number - 1]
        try:
            return page.render(scale=scale).to_pil().convert("RGB")
        finally:
            page.close()
    finally:
        pdf.close()


def _locate(path: Path, page_number: int, quote: str, targets: set[Decimal]) -> tuple[list[Box], list[Box]]:
    import pdfplumber

    with pdfplumber.open(str(path)) as pdf:
        page = pdf.pages[page_number - 1]
        lines = locate_quote(page, quote) if quote else []
        return lines, locate_figures(page, targets, lines)
