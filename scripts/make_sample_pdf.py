"""Render a sample disclosure written as text (tab-separated lines = table rows) into a PDF.

The bundled sample corpus keeps its sources in samples/pdf_source/ and the rendered PDF in samples/corpus/.
The PDF is committed, so the run command needs no font; re-render it after editing the source:

    python scripts/make_sample_pdf.py samples/pdf_source/X.txt samples/corpus/X.pdf

A CJK TrueType font is embedded when one is found (Debian: fonts-wqy-microhei), so the page renders
anywhere; otherwise reportlab's built-in STSong-Light CID font is used (text still extracts, but
page images need a system CJK font).
"""
from __future__ import annotations

import sys
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

FONT_CANDIDATES = [
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
]
MARGIN, LINE_H, FONT_SIZE, ROW_H = 56, 18, 10.5, 20


def _font() -> str:
    for path in FONT_CANDIDATES:
        if path.exists():
            pdfmetrics.registerFont(TTFont("CJK", str(path), subfontIndex=0))
            return "CJK"
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light"


def _wrap(text: str, width: float, font: str) -> list[str]:
    """Break lines by width, never inside a number (so '245.82万元' stays on one line)."""
    lines, cur = [], ""
    for ch in text:
        if pdfmetrics.stringWidth(cur + ch, font, FONT_SIZE) > width:
            cut = len(cur)
            while cut > 0 and (cur[cut - 1].isdigit() or cur[cut - 1] in ".,") and (ch.isdigit() or ch in ".,"):
                cut -= 1
                ch_prev = cur[cut - 1] if cut else ""
                if not (ch_prev.isdigit() or ch_prev in ".,"):
                    break
            cut = cut or len(cur)
            lines.append(cur[:cut])
            cur = cur[cut:]
        cur += ch
    return lines + [cur]


def render(src: Path, dst: Path) -> None:
    font = _font()
    c = canvas.Canvas(str(dst), pagesize=A4)
    c.setTitle(src.stem)
    page_w, page_h = A4
    y = page_h - MARGIN
    usable = page_w - 2 * MARGIN

    def new_page() -> None:
        nonlocal y
        c.showPage()
        y = page_h - MARGIN

    c.setFont(font, FONT_SIZE)
    rows: list[list[str]] = []
    lines = src.read_text(encoding="utf-8").splitlines() + [""]
    for line in lines:
        if "\t" in line and not line.startswith("编制部门"):
            rows.append(line.split("\t"))
            continue
        if rows:  # draw the collected table with a full grid, so extraction sees its cells
            ncol = max(len(r) for r in rows)
            col_w = usable / ncol
            if y - ROW_H * len(rows) < MARGIN:
                new_page()
                c.setFont(font, FONT_SIZE)
            top = y
            for r in rows:
                for j in range(ncol):
                    cell = r[j] if j < len(r) else ""
                    c.drawString(MARGIN + j * col_w + 3, y - ROW_H + 6, cell)
                y -= ROW_H
            for i in range(len(rows) + 1):
                c.line(MARGIN, top - i * ROW_H, MARGIN + usable, top - i * ROW_H)
            for j in range(ncol + 1):
                c.line(MARGIN + j * col_w, top, MARGIN + j * col_w, y)
            y -= LINE_H / 2
            rows = []
        text = line.replace("\t", "    ")
        for part in _wrap(text, usable, font) if text else [""]:
            if y < MARGIN:
                new_page()
                c.setFont(font, FONT_SIZE)
            c.drawString(MARGIN, y, part)
            y -= LINE_H
    c.save()


if __name__ == "__main__":
    render(Path(sys.argv[1]), Path(sys.argv[2]))
