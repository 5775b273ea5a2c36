"""A psycopg (v3) connection behind the small part of the `sqlite3.Connection` API the side store uses.

Callers write SQL once with `?` placeholders and read rows by index or column name, on either backend:
`execute(sql, params)` returns a cursor (`fetchone`, `fetchall`, iteration, `rowcount`), `executemany`, `close`.
The connection is in autocommit mode; `SideStore.transaction()` issues BEGIN / COMMIT / ROLLBACK itself, as
it does on SQLite.
"""
from __future__ import annotations

import logging
from functools import lru_cache
from typing import Any, Callable, Iterable, Sequence

log = logging.getLogger(__name__)


class Row:
    """A row readable as `row[0]` and `row['name']` (what `sqlite3.Row` offers)."""

    __slots__ = ("_index", "_values")

    def __init__(self, index: dict[str, int], values: Sequence[Any]):
        self._index, self._values = index, values

    def __getitem__(self, key: int | str) -> Any:
        return self._values[self._index[key] if isinstance(key, str) else key]

    def __iter__(self):
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def keys(self) -> list[str]:
        return list(self._index)

    def __repr__(self) -> str:
        return f"Row({dict(zip(self._index, self._values))!r})"


def _row_factory(cursor):
    names = [c.name for c in cursor.description or ()]
    index = {name: i for i, name in enumerate(names)}
    return lambda values: Row(index, values)


@lru_cache(maxsize=512)
def translate(sql: str) -> str:
    """`?` placeholders to psycopg's `%s` (a literal '%' doubled). The store's SQL has no '?' inside literals."""
    return sql.replace("%", "%%").replace("?", "%s")


def _param(value: Any) -> Any:
    # PostgreSQL text cannot hold NUL; a stray one from a parser must not fail the whole document.
    if isinstance(value, str) and "\x00" in value:
        return value.replace("\x00", "")
    return value


def _params(params: Iterable[Any]) -> list[Any]:
    return [_param(v) for v in params]


class PgConnection:
    """The side store's connection on PostgreSQL (`psycopg.Connection` in autocommit mode underneath).

    A connection lost between statements (server restart, idle timeout, network cut) is opened again once, so a
    long-running app survives it; inside a transaction the error goes up (the transaction is gone with it).
    """

    def __init__(self, raw, reconnect: Callable[[], Any] | None = None):
        self.raw = raw
        self._reconnect = reconnect
        self._in_transaction = False
        raw.row_factory = _row_factory

    def execute(self, sql: str, params: Sequence[Any] | None = None):
        try:
            cursor = self._execute(sql, params)
        except Exception as exc:
            if not self._lost(exc):
                raise
            log.warning("PostgreSQL connection lost (%s); reconnecting", str(exc).strip())
            self.raw = self._reconnect()
            self.raw.row_factory = _row_factory
            cursor = self._execute(sql, params)
        verb = sql.lstrip()[:8].upper()
        if verb.startswith("BEGIN"):
            self._in_transaction = True
        elif verb.startswith(("COMMIT", "ROLLBACK")):
            self._in_transaction = False
        return cursor

    def _execute(self, sql: str, params: Sequence[Any] | None):
        if not params:
            return self.raw.execute(sql)  # no parameters: sent as is (a script may hold several statements)
        return self.raw.execute(translate(sql), _params(params))

    def _lost(self, exc: Exception) -> bool:
        import psycopg

        return (isinstance(exc, psycopg.OperationalError) and self._reconnect is not None
                and not self._in_transaction and (self.raw.broken or self.raw.closed))

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]):
        cursor = self.raw.cursor()
        cursor.executemany(translate(sql), [_params(r) for r in rows])
        return cursor

    def close(self) -> None:
        self.raw.close()
