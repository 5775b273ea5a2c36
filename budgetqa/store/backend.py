"""Which backend holds the side store: the embedded SQLite file (default) or PostgreSQL (BUDGETQA_DATABASE_URL).

A backend opens the connection and owns what differs between the dialects; the store's SQL itself is one text
with `?` placeholders (`budgetqa.store.pg_connection` adapts it for psycopg).
"""
from __future__ import annotations

from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from budgetqa.core.errors import StoreError
from budgetqa.store.postgres_backend import PostgresBackend, is_database_url
from budgetqa.store.sqlite_backend import SqliteBackend

if TYPE_CHECKING:
    from budgetqa.core.settings import Settings


class Backend(Protocol):
    name: str  # 'sqlite' | 'postgres': picks the per-dialect migration files
    begin: str  # the statement that opens a write transaction
    location: str  # the file, or the URL without its password (messages, cache keys)

    def connect(self) -> Any: ...  # sqlite3.Connection or PgConnection: execute / executemany / close

    def run_script(self, conn: Any, sql: str) -> None: ...

    def migration_lock(self, conn: Any) -> AbstractContextManager[None]: ...

    def integrity_problems(self, conn: Any) -> list[str]: ...

    def open_error(self, exc: Exception) -> StoreError | None: ...


def backend_for(target: "Path | str | Settings") -> Backend:
    """The backend of a store: Settings (PostgreSQL when `database_url` is set), a `postgresql://` URL, or a
    SQLite file path."""
    from budgetqa.core.settings import Settings

    if isinstance(target, Settings):
        if target.database_url:
            return PostgresBackend(target.database_url, target.pg_connect_timeout_s)
        return SqliteBackend(target.sqlite_path)
    if is_database_url(target):
        return PostgresBackend(str(target))
    return SqliteBackend(target)
