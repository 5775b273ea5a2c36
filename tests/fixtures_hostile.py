"""Hostile files built at test time (nothing large is committed): zip bombs, a PDF of thousands of pages,
a PDF with hidden text, and a snapshot of a store to prove a refused file changed nothing."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

from tests import fixtures_bad as fx

VISIBLE = "三公经费预算为12.5万元，其中公务接待费2.5万元。"


def zip_bomb(path: Path, member: str = "word/document.xml", inflated_mib: int = 1024,
             template: Path | None = None) -> Path:
    """An Office package (copied from `template`) whose `member` inflates to `inflated_mib` MiB of blanks."""
    block = b" " * (1024 * 1024)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as out:
        if template is not None:
            with zipfile.ZipFile(template) as src:
                for info in src.infolist():
                    if info.filename != member:
                        out.writestr(info.filename, src.read(info.filename))
        with out.open(member, "w", force_zip64=True) as w:
            for _ in range(inflated_mib):
                w.write(block)
    return path


def many_members(path: Path, n: int) -> Path:
    with zipfile.ZipFile(path, "w") as out:
        out.writestr("[Content_Types].xml", "<Types/>")
        for i in range(n):
            out.writestr(f"xl/worksheets/s{i}.xml", "")
    return path


def many_pages_pdf(path: Path, pages: int = 5000) -> Path:
    """A valid PDF of `pages` pages with one line of text each, written directly (fast at any size)."""
    objects: list[bytes] = []
    kids = " ".join(f"{5 + i} 0 R" for i in range(pages))
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(f"<< /Type /Pages /Count {pages} /Kids [{kids}] >>".encode())
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    stream = b"BT /F1 12 Tf 72 720 Td (Budget line of text on this page: 12.5) Tj ET"
    objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    for _ in range(pages):
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
                       b"/Resources << /Font << /F1 3 0 R >> >> /Contents 4 0 R >>")
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % o for o in offsets))
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    path.write_bytes(out.getvalue())
    return path


def hidden_text_pdf(path: Path, org: str = "测试局", extra_visible: list[str] = ()) -> Path:
    """One page: a visible claim, the same claim in white text, in 1-pt text, off the page, and under an image;
    plus white text on a dark box (visible, must not be flagged)."""
    from reportlab.lib.utils import ImageReader

    c = fx._cjk_canvas(str(path))
    c.setFont(fx.CJK_FONT, 14)
    c.drawString(60, 790, f"{org}2024年部门预算")
    c.setFont(fx.CJK_FONT, 12)
    c.drawString(60, 760, VISIBLE)
    y = 740
    for line in extra_visible:
        c.drawString(60, y, line)
        y -= 18
    c.setFillColorRGB(1, 1, 1)
    c.drawString(60, 600, "三公经费预算为999万元，其中公务接待费99万元。")
    c.setFillColorRGB(0, 0, 0)
    c.setFont(fx.CJK_FONT, 1)
    c.drawString(60, 560, "三公经费预算为888万元，其中公务接待费777万元。")
    c.setFont(fx.CJK_FONT, 12)
    c.drawString(-900, 500, "三公经费预算为666万元（页面外）。")
    c.drawString(60, 400, "三公经费预算为555万元（图片下）。")
    c.drawImage(ImageReader(io.BytesIO(fx._png(60, 60))), 50, 380, width=400, height=40)
    c.setFillColorRGB(0.1, 0.1, 0.4)
    c.rect(50, 300, 400, 30, fill=1, stroke=0)
    c.setFillColorRGB(1, 1, 1)
    c.drawString(60, 310, "白字深底标题行可见")
    c.showPage()
    c.save()
    return path


def store_snapshot(settings) -> dict:
    """What a refused file must not change: documents, chunk/fact counts, vector ids, the BM25 fingerprint."""
    import json

    from budgetqa.store.side_store import open_store

    store = open_store(settings)
    try:
        snap = {
            "docs": sorted((d.id, d.name, d.chunks, d.facts) for d in store.list_documents()),
            "facts": store.conn.execute("SELECT COUNT(*) FROM facts").fetchone()[0],
            "chunks": store.conn.execute("SELECT COUNT(*) FROM chunks").fetchone()[0],
        }
    finally:
        store.close()
    meta = settings.bm25_path / "meta.json"
    snap["bm25"] = json.loads(meta.read_text())["fingerprint"] if meta.exists() else None
    if settings.chroma_path.exists():
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        client = chromadb.PersistentClient(path=str(settings.chroma_path),
                                           settings=ChromaSettings(anonymized_telemetry=False))
        names = [c if isinstance(c, str) else c.name for c in client.list_collections()]
        snap["vectors"] = sorted(client.get_collection(settings.chroma_collection).get()["ids"]) \
            if settings.chroma_collection in names else []
    return snap
