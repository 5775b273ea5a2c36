"""Build small (good and bad) input files at test time, so no binary fixture lives in the repo."""
from __future__ import annotations

import io
import random
import zipfile
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

CJK_FONT = "STSong-Light"  # reportlab's built-in CID font: real Chinese text without a font file


def _cjk_canvas(target, **kwargs) -> canvas.Canvas:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if CJK_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))
    return canvas.Canvas(target, pagesize=A4, **kwargs)


def text_pdf(path: Path, pages: list[str], encrypt: str | None = None) -> Path:
    """A PDF with one text page per item (Chinese allowed); `encrypt` sets a user password."""
    c = _cjk_canvas(str(path), encrypt=encrypt)
    for text in pages:
        c.setFont(CJK_FONT, 12)
        y = 780
        for line in text.split("\n"):
            c.drawString(60, y, line)
            y -= 18
        c.showPage()
    c.save()
    return path


def shapes_only_pdf(path: Path) -> Path:
    """Vector shapes and no text at all."""
    c = canvas.Canvas(str(path), pagesize=A4)
    c.rect(50, 50, 300, 200, fill=1)
    c.circle(300, 500, 80)
    c.line(0, 0, 500, 800)
    c.showPage()
    c.save()
    return path


def _png(width: int = 400, height: int = 560) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    for y in range(40, height - 40, 24):  # grey bars standing in for scanned lines of text
        draw.rectangle([30, y, width - 30, y + 10], fill="gray")
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    return buf.getvalue()


def image_pdf(path: Path, text_pages: list[str] | None = None) -> Path:
    """Pages with text (if any), then one page holding only a full-page image (a 'scan')."""
    from reportlab.lib.utils import ImageReader

    c = _cjk_canvas(str(path))
    for text in text_pages or []:
        c.setFont(CJK_FONT, 12)
        c.drawString(60, 780, text)
        c.showPage()
    c.drawImage(ImageReader(io.BytesIO(_png())), 20, 20, width=A4[0] - 40, height=A4[1] - 40)
    c.showPage()
    c.save()
    return path


def random_bytes(path: Path, n: int = 4096, prefix: bytes = b"", seed: int = 7) -> Path:
    rng = random.Random(seed)
    path.write_bytes(prefix + bytes(rng.randrange(256) for _ in range(n)))
    return path


def truncated(source: Path, path: Path, fraction: float = 0.5) -> Path:
    data = source.read_bytes()
    path.write_bytes(data[: int(len(data) * fraction)])
    return path


def simple_docx(path: Path) -> Path:
    import docx

    document = docx.Document()
    document.add_paragraph("测试局2024年部门预算")
    document.add_paragraph("一、部门预算安排情况")
    document.add_paragraph("收支预算总表")
    document.add_paragraph("单位：万元")
    table = document.add_table(rows=3, cols=3)
    table.cell(0, 0).text = "项目"
    table.cell(0, 1).merge(table.cell(0, 2)).text = "预算数"
    for r, row in enumerate([["一、一般公共预算拨款收入", "451.83", "12.38"], ["合计", "451.83", "12.38"]], 1):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    document.add_paragraph("说明：以上为预算数。")
    document.save(str(path))
    return path


def zip_without_document(path: Path) -> Path:
    """A valid ZIP that is not a Word package."""
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("hello.txt", "not a docx")
    return path
