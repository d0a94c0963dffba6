"""Shared by the benchmarks."""

from __future__ import annotations

import argparse
import os
import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit


def throwaway_postgres(url: str, label: str = "bench") -> tuple[str, Callable[[], None]]:
    """Create a fresh database on the PostgreSQL server in `url`; return its URL and a function
    that drops it again (closing this process's Django connections first, if Django is set up)."""
    import psycopg

    name = f"response_{label}_{os.getpid()}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        from django.conf import settings

        if settings.configured:
            from django.db import connections

            connections.close_all()
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return urlunsplit(urlsplit(url)._replace(path=f"/{name}")), drop


def django_for_bench(database_url: str, label: str) -> Callable[[], None] | None:
    """Set Django up on a database of the bench's own, migrated: a fresh PostgreSQL database on
    the server in `database_url`, or (none given) SQLite in a fresh data directory. Returns what
    drops the PostgreSQL database again (None for SQLite)."""
    import tempfile

    os.environ["RESPONSE_DATA_DIR"] = tempfile.mkdtemp(prefix=f"response-{label}-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "response.settings")
    drop = None
    if database_url:
        os.environ["DATABASE_URL"], drop = throwaway_postgres(database_url, label)
    else:
        os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return drop


def replace_section(doc: Path, start: str, end: str, section: str) -> None:
    """Put `section` (which begins with `start` and ends with `end`) in place of the text between
    those markers in `doc`, or at its end the first time; the rest of the file is left alone."""
    doc.parent.mkdir(exist_ok=True)
    current = doc.read_text() if doc.exists() else "# Benchmarks\n"
    old = re.search(re.escape(start) + r".*?" + re.escape(end), current, flags=re.S)
    if old:
        current = current[: old.start()] + section + current[old.end() :]
    else:
        current = current.rstrip() + "\n\n" + section + "\n"
    doc.write_text(current)


def current_section(doc: Path, start: str, end: str) -> str:
    """The text between the markers in `doc` (markers included), or "" when there is none."""
    current = doc.read_text() if doc.exists() else ""
    old = re.search(re.escape(start) + r".*?" + re.escape(end), current, flags=re.S)
    return old.group(0) if old else ""


def seeded_parser(doc: str, *, requests: int, warmup: int, seed: int) -> argparse.ArgumentParser:
    """The options of a benchmark that seeds incidents and times requests: how many incidents,
    requests and warm-up requests, which database, which random seed."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("--incidents", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=requests, help="timed requests per page")
    parser.add_argument("--warmup", type=int, default=warmup)
    parser.add_argument("--database-url", default="", help="PostgreSQL server to use")
    parser.add_argument("--seed", type=int, default=seed)
    return parser


def make_people(count: int = 300) -> list:
    """Chat users to lead, report and hold roles in the seeded incidents."""
    from response.core.models import ExternalUser

    return ExternalUser.objects.bulk_create(
        [
            ExternalUser(workspace_id="T1", external_id=f"U{i:08d}", display_name=f"person{i}")
            for i in range(count)
        ]
    )
