"""The original Response's database, opened read-only with a plain DB-API connection.

The source is another database (SQLite or PostgreSQL, Monzo Response 0.5.x's schema, all tables
under the Django app label `response`), so this does not go through Django's connections: it opens
its own, in a way that cannot write, and reads everything in one snapshot.

- SQLite: the file is opened with the `mode=ro` URI, inside one read transaction.
- PostgreSQL: the session starts with `default_transaction_read_only=on`, and the single
  transaction everything is read in is REPEATABLE READ, READ ONLY; the server confirms it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit, urlunsplit

# The tables every release of the original has had since its first migration.
REQUIRED_TABLES = (
    "response_incident",
    "response_externaluser",
    "response_commschannel",
    "response_headlinepost",
    "response_action",
)
# Tables added later, or not imported but counted in the report.
OPTIONAL_TABLES = (
    "response_timelineevent",
    "response_pinnedmessage",
    "response_userstats",
    "response_notification",
    "response_event",
    "django_migrations",
)
# The original's last migration this importer knows (0.5.x stops at 0017; 0018 is harmless).
KNOWN_MIGRATIONS = 18


class SourceError(Exception):
    """The source cannot be read; the message is one line, for a person."""


@dataclass
class SourceDatabase:
    """An open, read-only connection to the original's database and what its schema has."""

    connection: Any
    vendor: str  # "sqlite" or "postgresql"
    label: str  # the URL without its password, for the report
    columns: dict[str, set[str]] = field(default_factory=dict)  # table -> its columns
    read_only_check: str = ""  # how read-only-ness was confirmed, for the report

    def has(self, table: str, column: str | None = None) -> bool:
        if column is None:
            return table in self.columns
        return column in self.columns.get(table, set())

    def rows(self, sql: str, params: tuple | list = ()) -> Iterator[dict[str, Any]]:
        """The rows of a query as dicts. Write `%s` for parameters on both databases."""
        if self.vendor == "sqlite":
            sql = sql.replace("%s", "?")
        cursor = self.connection.cursor()
        try:
            cursor.execute(sql, params)
            names = [d[0] for d in cursor.description]
            while batch := cursor.fetchmany(2000):
                for row in batch:
                    yield dict(zip(names, row, strict=True))
        finally:
            cursor.close()

    def scalar(self, sql: str, params: tuple | list = ()) -> Any:
        """The first column of the first row of a query."""
        rows = list(self.rows(sql, params))
        return next(iter(rows[0].values())) if rows else None

    def select(
        self, table: str, columns: list[str], where: str = "", params=(), limit: int | None = None
    ) -> list[dict]:
        """Rows of `table` in id order; a column this schema lacks comes back as None."""
        present = self.columns[table]
        parts = [f'"{c}"' if c in present else f'NULL AS "{c}"' for c in columns]
        sql = f'SELECT {", ".join(parts)} FROM "{table}"'
        if where:
            sql += f" WHERE {where}"
        sql += ' ORDER BY "id"'
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        return list(self.rows(sql, params))

    def count(self, table: str) -> int:
        if table not in self.columns:
            return 0
        return self.scalar(f'SELECT COUNT(*) FROM "{table}"')

    def schema_version(self) -> str:
        """The original's last applied migration, e.g. "0017_externaluser_deleted"."""
        if not self.has("django_migrations"):
            return "unknown (no django_migrations table)"
        names = [
            r["name"]
            for r in self.rows("SELECT name FROM django_migrations WHERE app = %s", ("response",))
        ]
        return max(names) if names else "unknown (no migrations recorded for app 'response')"

    def close(self) -> None:
        """Close without committing: the read transaction simply ends."""
        self.connection.close()


def redact(url: str) -> str:
    """The URL without its password."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)[1]
    user = parts.username or ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{netloc}"))


def open_source(url: str, *, connect_timeout: int = 10) -> SourceDatabase:
    """Open the original's database read-only and check that it is one; SourceError if not."""
    scheme = urlsplit(url).scheme.lower()
    if scheme in {"postgres", "postgresql", "pgsql"}:
        source = _open_postgres(url, connect_timeout)
    elif scheme == "sqlite" or (not scheme and url):
        source = _open_sqlite(url)
    else:
        raise SourceError(
            f"Unsupported database URL scheme {scheme!r}: use sqlite:///path/to/file.sqlite3 "
            "or postgres://user@host:5432/name."
        )
    try:
        _check_schema(source)
    except BaseException:
        source.close()
        raise
    return source


def _sqlite_path(url: str) -> Path:
    """The file of sqlite:///relative/path or sqlite:////absolute/path (dj-database-url's
    convention, as in DATABASE_URL), or of a bare path."""
    if not urlsplit(url).scheme:
        return Path(url)
    parts = urlsplit(url)
    if parts.netloc or not parts.path.startswith("/"):
        raise SourceError(f"Cannot read a file path from {url!r}: write sqlite:///path/to/file.")
    path = unquote(parts.path[1:])
    if not path or path == ":memory:":
        raise SourceError(f"{url!r} names no database file.")
    return Path(path)


def _open_sqlite(url: str) -> SourceDatabase:
    path = _sqlite_path(url)
    if not path.is_file():
        raise SourceError(f"No SQLite database at {path}: the file does not exist.")
    try:
        connection = sqlite3.connect(
            f"file:{quote(str(path.resolve()))}?mode=ro", uri=True, isolation_level=None
        )
        # One read transaction: every query sees the same snapshot of the file.
        connection.execute("BEGIN")
        connection.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
    except sqlite3.Error as error:
        raise SourceError(f"Cannot read {path} as an SQLite database: {error}.") from None
    return SourceDatabase(
        connection=connection,
        vendor="sqlite",
        label=f"sqlite:///{path}",
        read_only_check="SQLite file opened with mode=ro",
    )


def _open_postgres(url: str, connect_timeout: int) -> SourceDatabase:
    import psycopg

    try:
        connection = psycopg.connect(
            url,
            connect_timeout=connect_timeout,
            options="-c default_transaction_read_only=on",
            application_name="response import-monzo",
        )
        connection.read_only = True
        connection.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        cursor = connection.execute("SHOW transaction_read_only")
        read_only = (cursor.fetchone() or ("off",))[0]
    except psycopg.Error as error:
        raise SourceError(f"Cannot connect to {redact(url)}: {_first_line(error)}") from None
    except ValueError as error:  # psycopg's answer to a malformed URL
        raise SourceError(f"Cannot use {redact(url)}: {_first_line(error)}") from None
    if read_only != "on":
        connection.close()
        raise SourceError(f"{redact(url)} did not open read-only; nothing was read.")
    return SourceDatabase(
        connection=connection,
        vendor="postgresql",
        label=redact(url),
        read_only_check="PostgreSQL transaction_read_only=on (REPEATABLE READ, READ ONLY)",
    )


def _first_line(error: BaseException) -> str:
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return lines[0] if lines else error.__class__.__name__


def _check_schema(source: SourceDatabase) -> None:
    if source.vendor == "sqlite":
        tables = [
            r["name"]
            for r in source.rows("SELECT name FROM sqlite_master WHERE type = 'table'")
            if r["name"] in REQUIRED_TABLES + OPTIONAL_TABLES
        ]
        for table in tables:
            source.columns[table] = {
                r["name"] for r in source.rows(f"SELECT name FROM pragma_table_info('{table}')")
            }
    else:
        for r in source.rows(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = ANY(current_schemas(false)) AND table_name = ANY(%s)",
            (list(REQUIRED_TABLES + OPTIONAL_TABLES),),
        ):
            source.columns.setdefault(r["table_name"], set()).add(r["column_name"])
    missing = [t for t in REQUIRED_TABLES if t not in source.columns]
    if missing:
        raise SourceError(
            f"{source.label} is not a database of the original Response (0.5.x): "
            f"it has no {', '.join(missing)} table{'s' if len(missing) > 1 else ''}."
        )
