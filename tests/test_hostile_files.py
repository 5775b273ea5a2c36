"""Hostile files are refused before parsing (or parsed under limits), with one line naming the file, in
bounded time, and the stores are exactly as before. Every file is generated in tmp_path."""
from __future__ import annotations

import os
import time

import pytest

from budgetqa.core.errors import IngestError
from budgetqa.ingest.guard import shown_name
from budgetqa.ingest.loader import load_document
from budgetqa.ingest.pipeline import Ingestor
from budgetqa.ingest.worker import parse_file
from tests import fixtures_bad as fx
from tests import fixtures_hostile as hx
from tests.conftest import pdf, seed


@pytest.fixture
def filled(settings):
    """A store holding one document, to show that refused files leave it exactly as it was."""
    results = Ingestor(settings).ingest([seed("000")])
    assert all(r.ok for r in results), [r.error for r in results]
    return settings


def _refused(settings, path, *words: str) -> str:
    before = hx.store_snapshot(settings)
    t0 = time.monotonic()
    [result] = Ingestor(settings).ingest([path])
    elapsed = time.monotonic() - t0
    assert result.status == "failed", result
    assert "\n" not in result.error and shown_name(path.name) in result.error, result.error
    for word in words:
        assert word.lower() in result.error.lower(), result.error
    assert hx.store_snapshot(settings) == before
    assert elapsed < 10, elapsed
    return result.error


def test_docx_zip_bomb_refused_from_the_directory(tmp_path, filled):
    bomb = hx.zip_bomb(tmp_path / "bomb.docx", template=fx.simple_docx(tmp_path / "t.docx"), inflated_mib=1024)
    assert bomb.stat().st_size < 5 * 1024 * 1024
    _refused(filled, bomb, "would inflate to 1025 MiB", "zip bomb")


def test_xlsx_member_compression_ratio(tmp_path, filled):
    bomb = hx.zip_bomb(tmp_path / "ratio.xlsx", member="xl/worksheets/sheet1.xml", inflated_mib=40)
    _refused(filled, bomb, "compressed", "limit")


def test_package_with_too_many_members(tmp_path, filled):
    _refused(filled, hx.many_members(tmp_path / "many.xlsx", 3000), "3001 members")


def test_5000_page_pdf_refused_before_parsing(tmp_path, filled):
    path = hx.many_pages_pdf(tmp_path / "pages.pdf", 5000)
    _refused(filled, path, "5000 pages", "BUDGETQA_PDF_MAX_PAGES")


def test_page_cap_lets_ordinary_pdfs_through(tmp_path, settings):
    doc = load_document(hx.many_pages_pdf(tmp_path / "short.pdf", 3), settings)
    assert len(doc.pages) == 3


@pytest.mark.parametrize("name, make, found", [
    ("image.pdf", lambda p: p.write_bytes(fx._png()), "PNG image"),
    ("report.docx", lambda p: fx.text_pdf(p, ["2024年部门预算 文字文字文字"]), "PDF, not a DOCX"),
    ("table.xlsx", lambda p: p.write_bytes(b"\x7fELF\x02\x01\x01" + b"\0" * 200), "executable"),
    ("notes.txt", lambda p: p.write_bytes(b"\x1f\x8b\x08\x00" + b"x" * 100), "gzip"),
])
def test_extension_that_lies_about_the_content(tmp_path, filled, name, make, found):
    path = tmp_path / name
    make(path)
    _refused(filled, path, found, "does not match")


def test_symlink_in_a_folder_is_not_followed(tmp_path, settings):
    folder = tmp_path / "in"
    folder.mkdir()
    secret = tmp_path / "outside.txt"
    secret.write_text(seed("001").read_text(encoding="utf-8"), encoding="utf-8")
    os.symlink(secret, folder / "link.txt")
    (folder / "real.txt").write_text(seed("000").read_text(encoding="utf-8"), encoding="utf-8")
    results = {r.path.rsplit("/", 1)[-1]: r for r in Ingestor(settings).ingest([folder])}
    assert results["real.txt"].status == "ingested"
    assert results["link.txt"].status == "failed" and "symbolic link" in results["link.txt"].error


def test_control_characters_in_a_file_name(tmp_path, filled):
    path = tmp_path / "预算\n第二行\u202eftp.txt"
    path.write_text(seed("001").read_text(encoding="utf-8"), encoding="utf-8")
    error = _refused(filled, path, "control")
    assert "\\n" in error and "\\u202e" in error


def test_markup_in_a_file_name_is_kept_literally(tmp_path, settings):
    name = "<img src=x onerror=alert(1)> ![a](x.png) [链接](javascript:alert(1)) 预算.txt"
    path = tmp_path / name
    path.write_text(seed("001").read_text(encoding="utf-8"), encoding="utf-8")
    [result] = Ingestor(settings).ingest([path])
    assert result.status == "ingested", result.error
    from budgetqa.store.side_store import open_store

    assert [d.name for d in open_store(settings.sqlite_path).list_documents()] == [name]


def test_same_file_under_two_names(tmp_path, settings):
    text = seed("002").read_bytes()
    (tmp_path / "a.txt").write_bytes(text)
    (tmp_path / "b.txt").write_bytes(text)
    results = Ingestor(settings).ingest([tmp_path / "a.txt", tmp_path / "b.txt"])
    assert [r.status for r in results] == ["ingested", "unchanged"]
    assert "a.txt" in results[1].warnings[0]
    from budgetqa.store.side_store import open_store

    assert len(open_store(settings.sqlite_path).list_documents()) == 1


def test_worker_time_limit(settings):
    slow = settings.model_copy(update={"parse_timeout_s": 0.3})
    t0 = time.monotonic()
    with pytest.raises(IngestError) as info:
        parse_file(pdf("财政局2024年度部门决算"), slow)
    assert "longer than 0.3 s" in str(info.value)
    assert time.monotonic() - t0 < 10


def test_worker_memory_limit(tmp_path, settings):
    """A 120 MB text file needs several times that while decoded and split: stopped at 256 MiB."""
    path = tmp_path / "huge.txt"
    line = "某某局2024年部门预算支出说明，本行用于占用内存。\n".encode("utf-8")
    path.write_bytes(line * (120 * 1024 * 1024 // len(line)))
    small = settings.model_copy(update={"parse_memory_mb": 256})
    t0 = time.monotonic()
    with pytest.raises(IngestError) as info:
        parse_file(path, small)
    assert "more than 256 MiB" in str(info.value) and "huge.txt" in str(info.value)
    assert time.monotonic() - t0 < 20


def test_worker_returns_the_document_and_the_loader_errors(tmp_path, settings):
    doc = parse_file(seed("000"), settings)
    assert doc.pages and doc.sha256
    with pytest.raises(IngestError) as info:
        parse_file(fx.text_pdf(tmp_path / "secret.pdf", ["保密内容保密内容"], encrypt="pw"), settings)
    assert "encrypted" in info.value.problem and info.value.path.endswith("secret.pdf")
