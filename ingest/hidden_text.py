"""Hidden text in PDFs: characters a reader cannot see but a text extractor reads (white on white, printed
below a minimum size, placed outside the page box, or painted over by an image drawn after them).

`visible_page(page, number, settings)` returns the pdfplumber page without those characters (so they reach
neither chunks nor facts) and a warning for the document naming the page, the kinds and a sample.
"""
from __future__ import annotations

import logging
from collections import Counter
from typing import Any

from budgetqa.core.settings import Settings

log = logging.getLogger(__name__)

_WHITE = 0.95  # colour components at or above this (grey/RGB), or CMYK at or below 1-this, read as white
_SAMPLE_CHARS = 40
KIND_LABELS = {"white": "白色文字", "tiny": "极小字号", "off_page": "页面外", "covered": "被图片遮盖"}


def is_white(color: Any) -> bool:
    if color is None or isinstance(color, str):
        return False
    values = list(color) if isinstance(color, (list, tuple)) else [color]
    if not values or not all(isinstance(v, (int, float)) for v in values):
        return False
    if len(values) == 4:  # CMYK: no ink at all
        return all(v <= 1 - _WHITE for v in values)
    return all(v >= _WHITE for v in values)


def _inside(ch: dict, box: tuple[float, float, float, float]) -> bool:
    """The character's centre lies in box (x0, top, x1, bottom)."""
    cx, cy = (ch["x0"] + ch["x1"]) / 2, (ch["top"] + ch["bottom"]) / 2
    return box[0] <= cx <= box[2] and box[1] <= cy <= box[3]


def _dark_boxes(page) -> list[tuple[float, float, float, float]]:
    """Filled, non-white rectangles: white text on them is visible."""
    return [(r["x0"], r["top"], r["x1"], r["bottom"]) for r in page.rects
            if r.get("fill") and not is_white(r.get("non_stroking_color"))]


def _covered(page) -> set[int]:
    """Indexes (in page.chars) of characters under an image painted after them in the content stream.

    pdfplumber lists chars and images apart; pdfminer's layout keeps the stream order, and page.chars follows
    that layout's traversal order, so the n-th LTChar is page.chars[n]."""
    from pdfminer.layout import LTChar, LTContainer, LTImage

    order: list[tuple[str, Any]] = []

    def walk(obj) -> None:
        if isinstance(obj, LTChar):
            order.append(("char", obj))
        elif isinstance(obj, LTImage):
            order.append(("image", obj))
        if isinstance(obj, LTContainer):
            for child in obj:
                walk(child)

    for obj in page.layout:
        walk(obj)
    chars = [o for kind, o in order if kind == "char"]
    if len(chars) != len(page.chars) or not any(kind == "image" for kind, _ in order):
        return set()
    out, n = set(), 0
    images_after: list[tuple[float, float, float, float]] = []
    for kind, obj in reversed(order):  # walking back: the images seen so far are painted later
        if kind == "image":
            images_after.append(obj.bbox)
            continue
        n += 1
        cx, cy = (obj.x0 + obj.x1) / 2, (obj.y0 + obj.y1) / 2
        if any(x0 <= cx <= x1 and y0 <= cy <= y1 for x0, y0, x1, y1 in images_after):
            out.add(len(chars) - n)
    return out


def classify(page, settings: Settings) -> dict[int, str]:
    """Index in page.chars -> kind of hidden text, for the characters a reader cannot see."""
    x0, top, x1, bottom = (float(v) for v in page.bbox)
    dark = None
    covered = _covered(page)
    out: dict[int, str] = {}
    for i, ch in enumerate(page.chars):
        if not (ch.get("text") or "").strip():
            continue
        if ch["x1"] <= x0 or ch["x0"] >= x1 or ch["bottom"] <= top or ch["top"] >= bottom:
            out[i] = "off_page"
        elif (ch.get("size") or 0) < settings.hidden_text_min_pt:
            out[i] = "tiny"
        elif is_white(ch.get("non_stroking_color")):
            dark = _dark_boxes(page) if dark is None else dark
            if not any(_inside(ch, box) for box in dark):
                out[i] = "white"
        elif i in covered:
            out[i] = "covered"
    return out


def visible_page(page, number: int, settings: Settings) -> tuple[Any, str | None]:
    """(the page without hidden characters, a warning) or (page, None) when all of its text is visible."""
    hidden = classify(page, settings)
    if not hidden:
        return page, None
    chars = page.chars
    drop = {id(chars[i]) for i in hidden}
    kinds = Counter(hidden.values())
    sample = "".join(chars[i]["text"] for i in sorted(hidden))[:_SAMPLE_CHARS]
    detail = "、".join(f"{KIND_LABELS[k]} {n} 字" for k, n in kinds.most_common())
    log.warning("page %d: %d hidden characters excluded (%s)", number, len(hidden), dict(kinds))
    note = f"第 {number} 页有隐藏文字，已排除（{detail}）：“{sample}”"
    return page.filter(lambda obj: id(obj) not in drop), note
