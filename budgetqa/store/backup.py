"""`budgetqa backup PATH` / `budgetqa restore PATH`: the whole store (SQLite through the online backup API,
the Chroma and BM25 folders, the uploaded originals) with a manifest of SHA-256 checksums.

- backup: taken under the store's writer lock (no ingest writes meanwhile), into `PATH.tmp-…`, renamed to
  PATH only when complete; the manifest is written last.
- restore: every checksum is verified first; refused while an app serves the store (its shared lock) and
  while an ingest writes; the backup is copied next to the store, then swapped in by two renames, and the
  previous store is kept as `<store>.before-restore-<time>`. The restored SQLite is opened once, so a backup
  of an older schema is upgraded through the migrations.
- a PostgreSQL side store (BUDGETQA_DATABASE_URL) is not copied here: both refuse with a StoreError that says
  to use pg_dump / pg_restore for the database (and a Chroma server's own backup for its vectors).
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import sqlite3
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from budgetqa.core.errors import StoreError
from budgetqa.core.settings import Settings
from budgetqa.store.lock import APP_LOCK, INGEST_LOCK, no_app_running, writer_lock
from budgetqa.store.side_store import latest_schema_version, open_store

log = logging.getLogger(__name__)

MANIFEST = "manifest.json"
FORMAT = 1
_SKIP = {APP_LOCK, INGEST_LOCK, MANIFEST}
_CHUNK = 1024 * 1024


@dataclass
class Manifest:
    format: int
    created_at: str
    schema_version: int
    sqlite: str
    files: dict[str, dict] = field(default_factory=dict)  # relative path -> {"sha256", "bytes"}

    @property
    def total_bytes(self) -> int:
        return sum(f["bytes"] for f in self.files.values())


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(_CHUNK):
            h.update(block)
    return h.hexdigest()


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink() and p.name not in _SKIP
                  and not p.name.endswith(("-wal", "-shm", "-journal")))


def _refuse_postgres(settings: Settings, what: str) -> None:
    if settings.database_url:
        from budgetqa.store.postgres_backend import redact

        raise StoreError(f"{redact(settings.database_url)}: PostgreSQL 资料库不支持 budgetqa {what}，"
                         f"请用 PostgreSQL 自带的 pg_dump / pg_restore 备份和恢复数据库"
                         f"（向量库在 Chroma 服务器时用其自身的备份方式）")


def backup(settings: Settings, target: Path | str) -> Manifest:
    _refuse_postgres(settings, "backup")
    target = Path(target)
    if target.exists() and any(target.iterdir()):
        raise StoreError(f"{target}: 目标文件夹已存在且不为空，请换一个新路径")
    if not settings.sqlite_path.exists():
        raise StoreError(f"{settings.store}: 没有资料库可备份")
    if target.resolve().is_relative_to(Path(settings.store).resolve()):
        raise StoreError(f"{target}: 备份不能放在资料库文件夹之内")
    tmp = target.with_name(f"{target.name}.tmp-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    with writer_lock(settings.store, settings.ingest_lock_wait_s):
        try:
            tmp.mkdir(parents=True)
            sqlite_name = settings.sqlite_path.name
            source = sqlite3.connect(str(settings.sqlite_path))
            dest = sqlite3.connect(str(tmp / sqlite_name))
            try:
                source.backup(dest)  # a consistent snapshot even while readers use the store
                version = dest.execute("SELECT MAX(number) FROM _migrations").fetchone()[0] or 0
                dest.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
            finally:
                dest.close()
                source.close()
            for path in _files(settings.store):
                rel = path.relative_to(settings.store)
                if rel.parts[0] == sqlite_name or ".tmp-" in path.parent.name:
                    continue
                (tmp / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, tmp / rel)
            manifest = Manifest(FORMAT, datetime.now(timezone.utc).isoformat(timespec="seconds"), version, sqlite_name)
            for path in _files(tmp):
                manifest.files[str(path.relative_to(tmp))] = {"sha256": _sha256(path), "bytes": path.stat().st_size}
            (tmp / MANIFEST).write_text(json.dumps(asdict(manifest), ensure_ascii=False, indent=1), encoding="utf-8")
            if target.exists():
                target.rmdir()
            tmp.rename(target)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    log.info("backup of %s written to %s (%d files)", settings.store, target, len(manifest.files))
    return manifest


def verify(source: Path | str) -> Manifest:
    """The backup's manifest, after checking every file it lists (and that it lists every file)."""
    source = Path(source)
    try:
        manifest = Manifest(**json.loads((source / MANIFEST).read_text(encoding="utf-8")))
    except FileNotFoundError:
        raise StoreError(f"{source}: 不是 budgetqa 备份（没有 {MANIFEST}，备份可能未完成）") from None
    except (ValueError, TypeError) as exc:
        raise StoreError(f"{source}: 备份清单 {MANIFEST} 已损坏（{exc}）") from None
    if manifest.format != FORMAT:
        raise StoreError(f"{source}: 备份格式 {manifest.format} 不受支持（应为 {FORMAT}）")
    if manifest.schema_version > latest_schema_version():
        raise StoreError(f"{source}: 备份来自更新版本的 budgetqa（数据库版本 {manifest.schema_version}），请先升级")
    present = {str(p.relative_to(source)) for p in _files(source)}
    listed = set(manifest.files)
    if present != listed:
        odd = sorted(present ^ listed)[:3]
        raise StoreError(f"{source}: 备份文件与清单不符（{', '.join(odd)}），拒绝恢复")
    for rel, info in manifest.files.items():
        if _sha256(source / rel) != info["sha256"]:
            raise StoreError(f"{source}: 备份文件 {rel} 的校验和不符（已损坏或被改动），拒绝恢复")
    return manifest


def restore(settings: Settings, source: Path | str) -> tuple[Manifest, Path | None]:
    """Replace the store by the backup at `source`; returns (manifest, where the previous store was kept)."""
    _refuse_postgres(settings, "restore")
    source = Path(source)
    manifest = verify(source)
    store = Path(settings.store)
    store.parent.mkdir(parents=True, exist_ok=True)
    with no_app_running(store), writer_lock(store, settings.ingest_lock_wait_s):
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S")
        staging = store.with_name(f"{store.name}.restore-{os.getpid()}")
        shutil.rmtree(staging, ignore_errors=True)
        try:
            shutil.copytree(source, staging, ignore=shutil.ignore_patterns(MANIFEST))
            verify_copy(staging, manifest)
            open_store(staging / manifest.sqlite).close()  # migrations bring an older schema up to date
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        kept = None
        if store.exists():
            kept = store.with_name(f"{store.name}.before-restore-{stamp}")
            store.rename(kept)
            if not _files(kept):  # only the lock files this restore created: nothing to keep
                shutil.rmtree(kept, ignore_errors=True)
                kept = None
        staging.rename(store)
    log.info("store %s restored from %s", store, source)
    return manifest, kept


def verify_copy(folder: Path, manifest: Manifest) -> None:
    for rel, info in manifest.files.items():
        if _sha256(folder / rel) != info["sha256"]:
            raise StoreError(f"{folder}: 复制后的文件 {rel} 校验和不符，恢复已取消")
