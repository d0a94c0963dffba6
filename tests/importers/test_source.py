"""The original's database is only ever read, and what is not one is refused in one line."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from response.importers.monzo.source import open_source
from tests.importers.conftest import POSTGRES_SERVER, file_state, run_import

RESPONSE = str(Path(sys.executable).parent / "response")


@pytest.mark.django_db
def test_the_sqlite_file_is_left_as_it_was(sqlite_url):
    path = Path(sqlite_url.removeprefix("sqlite:///"))
    before = file_state(path)
    report = run_import(sqlite_url)
    run_import(sqlite_url)
    assert file_state(path) == before  # same bytes, same mtime, no journal or WAL files
    assert "read-only: SQLite file opened with mode=ro" in report


def test_the_sqlite_connection_cannot_write(sqlite_url):
    source = open_source(sqlite_url)
    try:
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            source.connection.execute("DELETE FROM response_incident")
    finally:
        source.close()


@pytest.mark.django_db
def test_the_postgresql_session_is_read_only(postgresql_url, source_rows):
    source = open_source(postgresql_url)
    try:
        settings = {
            name: next(source.rows(f"SHOW {name}"))[name]
            for name in ("transaction_read_only", "default_transaction_read_only")
        }
        assert settings == {"transaction_read_only": "on", "default_transaction_read_only": "on"}
        assert next(source.rows("SHOW transaction_isolation"))["transaction_isolation"] == (
            "repeatable read"
        )
        with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
            next(source.rows("DELETE FROM response_incident RETURNING id"))
    finally:
        source.close()
    report = run_import(postgresql_url)
    assert "read-only: PostgreSQL transaction_read_only=on" in report
    with psycopg.connect(postgresql_url) as connection:
        for table in ("response_incident", "response_timelineevent", "response_action"):
            count = connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
            assert count == len(source_rows[table])


def response_command(*args: str, tmp_path: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "SLACK_"))}
    env["RESPONSE_DATA_DIR"] = str(tmp_path / "var")
    return subprocess.run(
        [RESPONSE, "import-monzo", *args], capture_output=True, text=True, env=env, timeout=60
    )


def assert_one_line_error(result: subprocess.CompletedProcess, *expected: str) -> None:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("CommandError: ")
    for text in expected:
        assert text in lines[0]


def test_an_unreachable_server(tmp_path):
    result = response_command("postgres://postgres:secret@127.0.0.1:1/response", tmp_path=tmp_path)
    assert_one_line_error(result, "Cannot connect to postgres://postgres:***@127.0.0.1:1/response")
    assert "secret" not in result.stderr


def test_a_database_without_the_originals_tables(tmp_path):
    result = response_command(POSTGRES_SERVER, tmp_path=tmp_path)
    if "Cannot connect" in result.stderr and not os.environ.get("CI"):
        pytest.skip("PostgreSQL is not reachable")
    assert_one_line_error(result, "not a database of the original Response", "response_incident")
    empty = tmp_path / "empty.sqlite3"
    sqlite3.connect(empty).execute("CREATE TABLE response_incident (id integer)").connection.close()
    result = response_command(f"sqlite:///{empty}", tmp_path=tmp_path)
    assert_one_line_error(result, "no response_externaluser, response_commschannel")


def test_files_that_are_not_databases(tmp_path):
    assert_one_line_error(
        response_command(str(tmp_path / "missing.sqlite3"), tmp_path=tmp_path),
        "does not exist",
    )
    garbage = tmp_path / "garbage.sqlite3"
    garbage.write_bytes(b"this is not a database" * 100)
    assert_one_line_error(
        response_command(f"sqlite:///{garbage}", tmp_path=tmp_path), "as an SQLite database"
    )
    assert_one_line_error(
        response_command("mysql://root@localhost/response", tmp_path=tmp_path),
        "Unsupported database URL scheme 'mysql'",
    )


def test_an_install_that_is_not_migrated(sqlite_url, tmp_path):
    result = response_command(sqlite_url, tmp_path=tmp_path)
    assert_one_line_error(result, "run `response migrate` first")
