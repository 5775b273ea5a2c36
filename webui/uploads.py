"""Saving uploaded files into the store's uploads folder, and wording the ingestion results."""
from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

ACCEPTED_TYPES = ["pdf", "docx", "xlsx", "txt", "md"]
STATUS_TEXT = {"ingested": "已导入", "replaced": "已更新（替换了同名旧版本）", "unchanged": "已存在（内容未变，跳过）"}
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def uploads_dir(store: Path) -> Path:
    return Path(store) / "uploads"


def safe_name(name: str) -> str:
    """The base name of an uploaded file, without path parts or characters a file system rejects.

    The name is kept otherwise (Chinese included): it is the document name shown in citations.
    """
    base = Path(str(name).replace("\\", "/")).name
    base = _UNSAFE.sub("_", base).strip(" .")
    return base or "upload"


def save_upload(folder: Path, name: str, data: bytes) -> Path:
    """Write one uploaded file (same name = new version of the same document)."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / safe_name(name)
    tmp = target.with_name(target.name + ".part")
    tmp.write_bytes(data)
    tmp.replace(target)
    log.info("saved upload %s (%d bytes)", target, len(data))
    return target


def result_text(result: Any) -> str:
    """'已导入' / '已存在…' / '失败：原因' for a pipeline FileResult."""
    if result.status == "failed":
        reason = (result.error or "未知错误").replace(str(result.path), Path(result.path).name)
        return f"失败：{reason}"
    text = STATUS_TEXT.get(result.status, result.status)
    if result.status in ("ingested", "replaced"):
        meta = getattr(result, "meta", None)
        who = " ".join(str(x) for x in (getattr(meta, "org", None), getattr(meta, "year", None) and f"{meta.year}年",
                                         getattr(meta, "kind", None)) if x)
        text += f"（{who or '机构/年度未识别'}{sources_note(getattr(meta, 'sources', {}))}，{result.pages} 页，" \
                f"{result.facts} 个数字）"
    return text


def sources_note(sources: dict) -> str:
    """'，机构、年度用户指定' for metadata not read from the document's content ('' when all of it was)."""
    from budgetqa.core.meta_override import describe_sources

    return "".join(f"，{note}" for note in describe_sources(sources))


def result_level(result: Any) -> str:
    """'success' | 'info' | 'error' for the st alert to use."""
    return {"failed": "error", "unchanged": "info"}.get(result.status, "success")
