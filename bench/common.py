"""Shared by the benchmarks."""

from __future__ import annotations

import os
from collections.abc import Callable
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
