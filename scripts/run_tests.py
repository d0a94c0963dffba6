"""The whole test suite, as `make test` runs it.

1. ruff (lint and format check), import-linter (the layers, `[tool.importlinter]` in
   pyproject.toml) and mypy (the types, `[tool.mypy]`: strict for response.core and fakeslack);
2. pytest on SQLite (the embedded default);
3. pytest again on a fresh PostgreSQL database when one is reachable. Under CI (CI=true) a missing
   PostgreSQL is a failure, never a silent skip.

Every pass runs, even after one failed, and a summary of them all ends the output; the exit
status is the first failure's. Extra arguments are passed to pytest, e.g.
`make test ARGS="-k headline -x"`.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
# The database name gets this run's pid, so two test runs on one machine never share a database
# (pytest-django creates "test_<name>" and drops it at the end).
POSTGRES_URL = os.environ.get(
    "RESPONSE_TEST_POSTGRES_URL", f"postgres://postgres@127.0.0.1:5432/response_{os.getpid()}"
)


# Two test processes: the machines this runs on have two cores, and many tests wait on servers.
PYTEST = [str(BIN / "python"), "-m", "pytest", "-n", os.environ.get("RESPONSE_TEST_PROCESSES", "2")]

RESULTS: list[tuple[str, int, float]] = []


def run(title: str, command: list[str], env: dict[str, str] | None = None) -> None:
    print(f"\n=== {title} ===", flush=True)
    started = time.monotonic()
    result = subprocess.run(command, cwd=ROOT, env=env)
    RESULTS.append((title, result.returncode, time.monotonic() - started))
    if result.returncode != 0:
        print(f"\n=== FAILED: {title} (exit {result.returncode}) ===", flush=True)


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
    pytest_args = sys.argv[1:]
    base_env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}

    run("ruff check", [str(BIN / "ruff"), "check", "."])
    run("ruff format --check", [str(BIN / "ruff"), "format", "--check", "."])
    run("import-linter: the layers", [str(BIN / "lint-imports"), "--no-cache"])
    run("mypy: the types", [str(BIN / "mypy")])

    with tempfile.TemporaryDirectory(prefix="response-test-") as data_dir:
        sqlite_env = {**base_env, "RESPONSE_DATA_DIR": data_dir}
        run("pytest on SQLite", [*PYTEST, *pytest_args], sqlite_env)

    if postgres_reachable(POSTGRES_URL):
        with tempfile.TemporaryDirectory(prefix="response-test-") as data_dir:
            pg_env = {**base_env, "DATABASE_URL": POSTGRES_URL, "RESPONSE_DATA_DIR": data_dir}
            run("pytest on PostgreSQL", [*PYTEST, "--create-db", *pytest_args], pg_env)
    elif os.environ.get("CI"):
        print(f"PostgreSQL is not reachable at {POSTGRES_URL}, and CI requires it.", flush=True)
        RESULTS.append(("PostgreSQL reachable (CI requires it)", 1, 0.0))
    else:
        print(f"\n(PostgreSQL not reachable at {POSTGRES_URL}: PostgreSQL pass skipped.)")
    sys.exit(summary())


if __name__ == "__main__":
    main()
