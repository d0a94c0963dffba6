"""The whole test suite, as `make test` runs it.

1. ruff (lint and format check), import-linter (the layers, `[tool.importlinter]` in
   pyproject.toml) and mypy (the types, `[tool.mypy]`: strict for response.core and fakeslack);
2. pytest on SQLite (the embedded default), and at the same time
3. pytest on a fresh PostgreSQL database when one is reachable. Under CI (CI=true) a missing
   PostgreSQL is a failure, never a silent skip.

The two database passes run side by side (many tests wait on servers, so the cores have room:
about 290 s instead of 390 s here); the SQLite pass prints as it goes, the PostgreSQL pass's
output is shown whole when both are done. Every step runs, even after one failed, and a summary
of them all ends the output; the exit status is the first failure's. Interrupted, it stops the
passes it started. Extra arguments are passed to pytest, e.g.
`make test ARGS="-k headline -x"`.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
# The database name gets this run's pid, so two test runs on one machine never share a database
# (pytest-django creates "test_<name>" and drops it at the end).
POSTGRES_URL = os.environ.get(
    "RESPONSE_TEST_POSTGRES_URL", f"postgres://postgres@127.0.0.1:5432/response_{os.getpid()}"
)


# Two test processes per pass: the machines this runs on have two cores, and many tests wait.
PYTEST = [str(BIN / "python"), "-m", "pytest", "-n", os.environ.get("RESPONSE_TEST_PROCESSES", "2")]

RESULTS: list[tuple[str, int, float]] = []


def run(title: str, command: list[str], env: dict[str, str] | None = None) -> None:
    finish(start(title, command, env))


@dataclass
class Running:
    title: str
    process: subprocess.Popen
    started: float
    output: IO[bytes] | None  # None: printed as it goes


def start(
    title: str, command: list[str], env: dict[str, str] | None, output: IO[bytes] | None = None
) -> Running:
    note = " (beside the pass above: its output follows when both are done)" if output else ""
    print(f"\n=== {title}{note} ===", flush=True)
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT if output else None
    )
    return Running(title, process, time.monotonic(), output)


def finish(running: Running) -> None:
    code = running.process.wait()
    seconds = time.monotonic() - running.started
    if running.output is not None:
        print(f"\n=== {running.title} ===", flush=True)
        running.output.seek(0)
        sys.stdout.buffer.write(running.output.read())
        sys.stdout.flush()
    RESULTS.append((running.title, code, seconds))
    if code != 0:
        print(f"\n=== FAILED: {running.title} (exit {code}) ===", flush=True)


def stop(passes: list[Running]) -> None:
    """Interrupted: the passes still running stop too (never left behind)."""
    for running in passes:
        if running.process.poll() is None:
            running.process.terminate()
    for running in passes:
        try:
            running.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            running.process.kill()


def summary() -> int:
    print("\n=== summary ===", flush=True)
    for title, code, seconds in RESULTS:
        print(f"{'ok    ' if code == 0 else 'FAILED'}  {title}  ({seconds:.0f} s)", flush=True)
    return next((code for _, code, _ in RESULTS if code != 0), 0)


def postgres_reachable(url: str) -> bool:
    import psycopg

    try:
        with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", connect_timeout=3):
            return True
    except psycopg.Error:
        return False


def main() -> None:
    # Terminated (a CI timeout, `kill`): stop the passes on the way out, as an interrupt does.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    pytest_args = sys.argv[1:]
    base_env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}

    run("ruff check", [str(BIN / "ruff"), "check", "."])
    run("ruff format --check", [str(BIN / "ruff"), "format", "--check", "."])
    run("import-linter: the layers", [str(BIN / "lint-imports"), "--no-cache"])
    run("mypy: the types", [str(BIN / "mypy")])

    postgres = postgres_reachable(POSTGRES_URL)
    passes: list[Running] = []
    with contextlib.ExitStack() as stack:
        sqlite_dir = stack.enter_context(tempfile.TemporaryDirectory(prefix="response-test-"))
        sqlite_env = {**base_env, "RESPONSE_DATA_DIR": sqlite_dir}
        try:
            passes.append(start("pytest on SQLite", [*PYTEST, *pytest_args], sqlite_env))
            if postgres:
                pg_dir = stack.enter_context(tempfile.TemporaryDirectory(prefix="response-test-"))
                pg_env = {**base_env, "DATABASE_URL": POSTGRES_URL, "RESPONSE_DATA_DIR": pg_dir}
                output = stack.enter_context(tempfile.TemporaryFile())
                command = [*PYTEST, "--create-db", *pytest_args]
                passes.append(start("pytest on PostgreSQL", command, pg_env, output))
            for running in passes:
                finish(running)
        finally:
            stop(passes)

    if not postgres and os.environ.get("CI"):
        print(f"PostgreSQL is not reachable at {POSTGRES_URL}, and CI requires it.", flush=True)
        RESULTS.append(("PostgreSQL reachable (CI requires it)", 1, 0.0))
    elif not postgres:
        print(f"\n(PostgreSQL not reachable at {POSTGRES_URL}: PostgreSQL pass skipped.)")
    sys.exit(summary())


if __name__ == "__main__":
    main()
