"""Production's shape: two `response web` and two `response worker` processes on PostgreSQL and
the Redis queue, fakeslack delivering to both web processes in turn, under a small load of
mentions and API edits (bench/scale_out.py with small numbers; the bench has the figures)."""

import os
import socket
import time
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings

from bench.scale_out import Cluster, Shape, run_load

QUEUE = "redis://127.0.0.1:6379/10"  # a Redis database of this test's own


def reachable_or_skip(url: str, what: str) -> None:
    parts = urlsplit(url)
    try:
        socket.create_connection((parts.hostname, parts.port), timeout=2).close()
    except OSError:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"{what} is not reachable at {parts.hostname}:{parts.port}")


def postgres_server() -> str:
    """The PostgreSQL server of this test pass (its fresh database is made there)."""
    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("runs in the PostgreSQL pass")
    url = os.environ["DATABASE_URL"]
    return urlunsplit(urlsplit(url)._replace(path="/postgres"))


@pytest.mark.slow
def test_two_web_and_two_worker_processes_apply_everything_once_and_in_order(tmp_path):
    server = postgres_server()
    reachable_or_skip(server, "PostgreSQL")
    reachable_or_skip(QUEUE, "Redis")
    began = time.monotonic()
    with Cluster(Shape(webs=2, workers=2), server, QUEUE, tmp_path, label="scaleout_test") as c:
        started = time.monotonic()
        outcome = run_load(c, incidents=2, steps=4, quiet=0)
    print(f"start-up {started - began:.1f} s, load {time.monotonic() - started:.1f} s")
    assert outcome.problems == []
    assert outcome.changes == 8
    assert all(len(i.mentions) == 2 and len(i.edits) == 2 for i in outcome.incidents)
