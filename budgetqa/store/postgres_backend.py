"""The PostgreSQL backend of the side store (BUDGETQA_DATABASE_URL): several app processes and machines share
one database; psycopg v3 underneath, behind `PgConnection` so callers keep one SQL text for both backends."""
from __future__ import annotations

import contextlib
import os
import socket
from typing import Iterator
from urllib.parse import urlsplit, urlunsplit

from budgetqa.core.errors import ConfigError, StoreError
from budgetqa.store.pg_connection import PgConnection

URL_SCHEMES = ("postgresql", "postgres")
# pg_advisory_lock(NAMESPACE, key): advisory locks are per database, so one store = one database.
LOCK_NAMESPACE = 0x42514101  # 'BQA' + 1
MIGRATION_KEY = 1
WRITER_KEY = 2


def is_database_url(target: object) -> bool:
    return isinstance(target, str) and target.split("://", 1)[0].lower() in URL_SCHEMES and "://" in target


def redact(url: str) -> str:
    """The URL without its password, for messages and logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def connect(url: str, connect_timeout_s: int = 10):
    """A psycopg connection in autocommit mode; StoreError (naming the server, not the password) if it fails."""
    try:
        import psycopg
    except ImportError as exc:  # pragma: no cover - psycopg is a dependency
        raise ConfigError("BUDGETQA_DATABASE_URL 需要 psycopg（pip install 'psycopg[binary]'）") from exc
    try:
        return psycopg.connect(url, autocommit=True, connect_timeout=connect_timeout_s,
                               application_name=f"budgetqa {socket.gethostname()}:{os.getpid()}")
    except psycopg.ProgrammingError as exc:
        raise ConfigError(f"BUDGETQA_DATABASE_URL={redact(url)}: 不是有效的 PostgreSQL 连接地址（{exc}）") from exc
    except psycopg.OperationalError as exc:
        raise StoreError(f"{redact(url)}: 无法连接 PostgreSQL 资料库（{str(exc).strip()}）") from exc


class PostgresBackend:
    """Opens the store database and speaks PostgreSQL's dialect (per-dialect migration files `*.postgres.sql`)."""

    name = "postgres"
    begin = "BEGIN"

    def __init__(self, url: str, connect_timeout_s: int = 10):
        self.url = url
        self.location = redact(url)
        self.connect_timeout_s = connect_timeout_s

    def connect(self) -> PgConnection:
        return PgConnection(connect(self.url, self.connect_timeout_s),
                            reconnect=lambda: connect(self.url, self.connect_timeout_s))

    def run_script(self, conn: PgConnection, sql: str) -> None:
        conn.execute(sql)  # no parameters: one simple-protocol call runs every statement (and $$ bodies)

    @contextlib.contextmanager
    def migration_lock(self, conn: PgConnection) -> Iterator[None]:
        """Two processes opening a new database at once: one migrates, the other waits and then sees it done."""
        conn.execute("SELECT pg_advisory_lock(CAST(? AS integer), CAST(? AS integer))", (LOCK_NAMESPACE, MIGRATION_KEY))
        try:
            yield
        finally:
            conn.execute("SELECT pg_advisory_unlock(CAST(? AS integer), CAST(? AS integer))", (LOCK_NAMESPACE, MIGRATION_KEY))

    def integrity_problems(self, conn: PgConnection) -> list[str]:
        """PostgreSQL checks its own pages (and enforces the foreign keys): nothing to ask it here."""
        return []

    def open_error(self, exc: Exception) -> StoreError | None:
        try:
            import psycopg
        except ImportError:  # pragma: no cover
            return None
        if isinstance(exc, psycopg.Error):
            return StoreError(f"{self.location}: 无法打开 PostgreSQL 资料库（{str(exc).strip()}）")
        return None
