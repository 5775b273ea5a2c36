"""Bad inputs fail with an IngestError naming the file and the problem; odd-but-valid inputs load.

Every input is generated in tmp_path at test time."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from budgetqa.core.errors import IngestError
from budgetqa.ingest.loader import load_document
from budgetqa.ingest.pdf import _needs_ocr
from tests import fixtures_bad as fx


def _fails(path, settings, *words: str) -> IngestError:
    with pytest.raises(IngestError) as info:
        load_document(path, settings)
    message = str(info.value)
    assert str(path) in message, message
    for word in words:
        assert word.lower() in message.lower(), message
    return info.value


def test_random_bytes_named_pdf(tmp_path, settings):
    _fails(fx.random_bytes(tmp_path / "random.pdf"), settings, "not a PDF")


def test_corrupt_pdf_body(tmp_path, settings):
    _fails(fx.random_bytes(tmp_path / "corrupt.pdf", prefix=b"%PDF-1.7\n"), settings, "damaged")


def test_truncated_pdf(tmp_path, settings):
    good = fx.text_pdf(tmp_path / "good.pdf", ["第一页 预算 说明文字很多很多很多很多很多"] * 3)
    err = _fails(fx.truncated(good, tmp_path / "truncated.pdf", 0.4), settings)
    assert "damaged" in err.problem or "no extractable text" in err.problem


def test_encrypted_pdf(tmp_path, settings):
    path = fx.text_pdf(tmp_path / "secret.pdf", ["2024年部门预算 保密内容保密内容保密内容"], encrypt="pw")
    err = _fails(path, settings, "encrypted")
    assert "password" in err.hint


def test_shapes_only_pdf(tmp_path, settings):
    err = _fails(fx.shapes_only_pdf(tmp_path / "shapes.pdf"), settings, "no extractable text")
    assert "OCR" in err.hint


def test_image_only_pdf(tmp_path, settings):
    _fails(fx.image_pdf(tmp_path / "scan.pdf"), settings, "no extractable text")


def test_scanned_page_in_text_pdf_is_flagged(tmp_path, settings):
    text = "某某局2024年部门预算，本页有足够多的可提取文字用于索引。"
    doc = load_document(fx.image_pdf(tmp_path / "mixed.pdf", [text]), settings)
    assert [p.needs_ocr for p in doc.pages] == [False, True]
    assert any("OCR" in w and "2" in w for w in doc.warnings), doc.warnings


def test_garbled_text_needs_ocr(settings):
    page = SimpleNamespace(width=600, height=800, images=[], curves=[])
    assert _needs_ocr(page, "(cid:12)(cid:34)" * 20 + "预算", 2, settings)
    assert _needs_ocr(page, "\ufffd" * 30 + "预算", 32, settings)
    assert not _needs_ocr(page, "上海市财政局 2024 年度部门决算", 16, settings)  # a short cover page
    assert not _needs_ocr(page, "", 0, settings)  # a blank page is not a scan


@pytest.mark.parametrize("name", ["empty.pdf", "empty.txt", "empty.docx", "empty.xlsx"])
def test_empty_file(tmp_path, settings, name):
    path = tmp_path / name
    path.write_bytes(b"")
    _fails(path, settings, "empty")


@pytest.mark.parametrize("name", ["old.doc", "slides.pptx", "noext"])
def test_unsupported_extension(tmp_path, settings, name):
    path = tmp_path / name
    path.write_bytes(b"some content")
    _fails(path, settings, "unsupported file type")


def test_gb18030_outside_gb2312(tmp_path, settings):
    text = "吉祥的𠮷与䶮字：某局2021年部门预算，支出合计12.38万元。"
    path = tmp_path / "gb.txt"
    path.write_bytes(text.encode("gb18030"))
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")
    doc = load_document(path, settings)
    assert doc.pages[0].text == text
    assert "𠮷" in doc.pages[0].text and "䶮" in doc.pages[0].text


def test_undecodable_text(tmp_path, settings):
    path = tmp_path / "binary.txt"
    path.write_bytes(b"\x81\x30\xff\xfe" * 50)
    _fails(path, settings, "neither UTF-8 nor GB18030")


def test_truncated_docx(tmp_path, settings):
    good = fx.simple_docx(tmp_path / "good.docx")
    _fails(fx.truncated(good, tmp_path / "truncated.docx"), settings, "DOCX", "damaged")


def test_random_bytes_docx(tmp_path, settings):
    _fails(fx.random_bytes(tmp_path / "random.docx"), settings, "DOCX")


def test_zip_that_is_not_docx(tmp_path, settings):
    _fails(fx.zip_without_document(tmp_path / "other.docx"), settings, "DOCX")


def test_ole_file_named_docx(tmp_path, settings):
    path = fx.random_bytes(tmp_path / "old.docx", prefix=b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
    _fails(path, settings, "password protected")


def test_corrupt_xlsx(tmp_path, settings):
    _fails(fx.random_bytes(tmp_path / "random.xlsx"), settings, "XLSX")
    _fails(fx.zip_without_document(tmp_path / "other.xlsx"), settings, "XLSX")
