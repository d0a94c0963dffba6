"""Source databases of the original Response: an SQLite file and a throwaway PostgreSQL database,
both filled with the same rows. They are only ever read by the tests that use them."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from django.core.management import call_command

from response.importers.models import ImportedRecord
from tests.importers.monzo_data import INCIDENT_CHANNEL, build_rows
from tests.importers.monzo_source import fill, sqlite_source

POSTGRES_SERVER = os.environ.get(
    "RESPONSE_TEST_SOURCE_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"
)


@pytest.fixture(scope="session")
def source_rows() -> dict[str, list[dict]]:
    return build_rows(incidents=60)


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory, source_rows) -> str:
    return sqlite_source(tmp_path_factory.mktemp("monzo") / "response.sqlite3", source_rows)


def postgres_database(rows: dict[str, list[dict]], label: str, upto: int = 17):
    """Create `monzo_src_<label>_<pid>` on the test PostgreSQL server, fill it; (url, drop)."""
    try:
        admin = psycopg.connect(POSTGRES_SERVER, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"PostgreSQL is not reachable at {POSTGRES_SERVER}")
    name = f"monzo_src_{label}_{os.getpid()}"
    with admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    url = POSTGRES_SERVER.rsplit("/", 1)[0] + f"/{name}"
    with psycopg.connect(url) as connection:
        fill(connection, "postgresql", rows, upto)

    def drop() -> None:
        with psycopg.connect(POSTGRES_SERVER, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return url, drop


@pytest.fixture(scope="session")
def postgresql_url(source_rows) -> Iterator[str]:
    url, drop = postgres_database(source_rows, "main")
    yield url
    drop()


@pytest.fixture(params=["sqlite", "postgresql"])
def source_url(request) -> str:
    """The same original database, as SQLite and as PostgreSQL."""
    return request.getfixturevalue(f"{request.param}_url")


def run_import(url: str, *args: str) -> str:
    """`response import-monzo URL …` through Django's command machinery; returns its output."""
    out = io.StringIO()
    call_command("import_monzo", url, "--incident-channel-id", INCIDENT_CHANNEL, *args, stdout=out)
    return out.getvalue()


def target(kind: str, source_id: int, source: str = "monzo") -> int | None:
    """The id here of an imported row of the original."""
    record = ImportedRecord.objects.filter(source=source, kind=kind, source_id=str(source_id))
    return record.values_list("target_id", flat=True).first()


def file_state(path: Path) -> tuple[bytes, int, list[str]]:
    """A file's bytes, its modification time, and what else is in its directory."""
    return path.read_bytes(), path.stat().st_mtime_ns, sorted(p.name for p in path.parent.iterdir())


def report_table(report: str) -> dict[str, tuple[int, int, int, int]]:
    """The report's table: kind -> (found, imported, already, skipped)."""
    table = {}
    for line in report.splitlines():
        words = line.split()
        if len(words) > 4 and all(w.isdigit() for w in words[-4:]):
            found, imported, already, skipped = (int(w) for w in words[-4:])
            table[" ".join(words[:-4])] = (found, imported, already, skipped)
    return table
