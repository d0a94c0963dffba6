"""`response import-monzo` at 10 000 incidents: rows per second, into SQLite and PostgreSQL.

    .venv/bin/python bench/import_monzo.py                  # SQLite original -> SQLite here
    .venv/bin/python bench/import_monzo.py --database-url postgres://postgres@127.0.0.1:5432/postgres
    .venv/bin/python bench/import_monzo.py --database-url … --source sqlite   # SQLite -> PostgreSQL

The original database is built from the tests' schema (tests/importers/monzo_source.py, written from
the original's migrations) and filled by its data builder: 10 000 incidents with their comms
channels, headline posts, timeline events, pins, actions and participants, 500 people. Without
--database-url the original is an SQLite file and the install a throwaway SQLite data directory;
with it, both are throwaway databases on that PostgreSQL server (unless --source sqlite), dropped
after. The import runs through the real command (`call_command("import_monzo", …)`), then again to
time a second run that imports nothing. "Rows read" counts every source row the importer looked at;
"rows written" counts the rows it created here (imported rows, their ImportedRecord and the audit
row of each incident).
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import throwaway_postgres  # noqa: E402
from tests.importers.monzo_data import INCIDENT_CHANNEL, build_rows  # noqa: E402
from tests.importers.monzo_source import fill, sqlite_source  # noqa: E402

SOURCE_TABLES = [
    "response_externaluser", "response_incident", "response_commschannel",
    "response_headlinepost", "response_timelineevent", "response_pinnedmessage",
    "response_action", "response_userstats",
]  # fmt: skip


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--incidents", type=int, default=10_000)
    parser.add_argument("--people", type=int, default=500)
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--database-url", default="", help="PostgreSQL server to use")
    parser.add_argument(
        "--source",
        choices=["sqlite", "postgresql"],
        default="",
        help="the original's database (default: the same kind as the install's)",
    )
    parser.add_argument("--seed", type=int, default=7)
    return parser.parse_args()


def imported_rows(report: str) -> int:
    """The sum of the report table's "imported" column."""
    total = 0
    for line in report.splitlines():
        words = line.split()
        if len(words) > 4 and all(w.isdigit() for w in words[-4:]):
            total += int(words[-3])
    return total


def make_source(args, rows: dict, data_dir: str) -> tuple[str, object]:
    if args.source == "postgresql":
        import psycopg

        url, drop = throwaway_postgres(args.database_url, "monzo_src")
        with psycopg.connect(url) as connection:
            fill(connection, "postgresql", rows)
        return url, drop
    return sqlite_source(Path(data_dir) / "original.sqlite3", rows), None


def main() -> None:
    args = parse_args()
    if args.source == "postgresql" and not args.database_url:
        sys.exit("--source postgresql needs --database-url")
    args.source = args.source or ("postgresql" if args.database_url else "sqlite")
    data_dir = tempfile.mkdtemp(prefix="response-bench-")
    os.environ["RESPONSE_DATA_DIR"] = data_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "response.settings")
    drops = []
    if args.database_url:
        os.environ["DATABASE_URL"], drop = throwaway_postgres(args.database_url, "bench_import")
        drops.append(drop)
    else:
        os.environ.pop("DATABASE_URL", None)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from response.core.models import AuditEvent
    from response.importers.models import ImportedRecord

    try:
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        rows = build_rows(incidents=args.incidents, seed=args.seed, people=args.people)
        source_url, drop_source = make_source(args, rows, data_dir)
        if drop_source:
            drops.append(drop_source)
        read = sum(len(rows[t]) for t in SOURCE_TABLES)
        print(
            f"original: {args.source}, {args.incidents:,} incidents, {read:,} rows "
            f"(built in {time.perf_counter() - started:.1f} s); install: {connection.vendor}; "
            f"batches of {args.batch_size} incidents"
        )
        print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        command = ["import_monzo", source_url, "--incident-channel-id", INCIDENT_CHANNEL]
        command += ["--batch-size", str(args.batch_size)]
        for label in ("first run", "second run (nothing new)"):
            before = ImportedRecord.objects.count() + AuditEvent.objects.count()
            out = io.StringIO()
            started = time.perf_counter()
            call_command(*command, stdout=out)
            elapsed = time.perf_counter() - started
            imported = imported_rows(out.getvalue())
            written = imported + ImportedRecord.objects.count() + AuditEvent.objects.count()
            written -= before
            print(
                f"{label:<26} {elapsed:>7.2f} s  {read / elapsed:>9,.0f} rows read/s  "
                f"{written / elapsed:>9,.0f} rows written/s  {args.incidents / elapsed:>7,.0f} "
                f"incidents/s  ({imported:,} imported, {written:,} rows written)"
            )
            if label == "first run":
                print(out.getvalue().split("\n\n")[1])
        print(f"load average at end: {os.getloadavg()[0]:.1f}")
    finally:
        for drop in reversed(drops):
            drop()


if __name__ == "__main__":
    main()
