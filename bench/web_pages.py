"""Web UI page latency at 100 000 incidents, against a baseline measured in the same run.

    .venv/bin/python bench/web_pages.py                 # SQLite in a throwaway data directory
    .venv/bin/python bench/web_pages.py --record        # ... and update docs/benchmarks.md
    .venv/bin/python bench/web_pages.py --database-url postgres://postgres@127.0.0.1:5432/postgres
    .venv/bin/python bench/web_pages.py --incidents 10000 --requests 50

Requests go through Django's test client (every middleware, sign-in, templates; no network), so
the figures are server time. The baseline is /health (one SELECT 1): the fixed cost of a request.
Pages are read as a signed-in non-staff user, the slower path (the private-incident rule applies).
Bench data is made with bulk_create: the verbs would take minutes for 100 000 incidents, and this
measures reading, not writing. With --database-url a throwaway database is created (and dropped).
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import (  # noqa: E402
    current_section,
    django_for_bench,
    make_people,
    replace_section,
    seeded_parser,
)

DOC = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- web-ui:start -->", "<!-- web-ui:end -->"
WORDS = [
    "database",
    "payments",
    "checkout",
    "login",
    "search",
    "latency",
    "errors",
    "outage",
    "disk",
    "dns",
    "cache",
]


def parse_args() -> argparse.Namespace:
    parser = seeded_parser(__doc__, requests=100, warmup=5, seed=7)
    parser.add_argument("--record", action="store_true", help=f"write the figures to {DOC}")
    return parser.parse_args()


def make_data(n: int, seed: int) -> dict:
    from django.contrib.auth import get_user_model

    from response.core.models import (
        Action,
        Incident,
        Participant,
        Severity,
        Status,
        TimelineEvent,
    )

    rng = random.Random(seed)
    people = make_people()
    severities = [*Severity.objects.all(), None]
    end = datetime(2026, 6, 1, tzinfo=UTC)
    span = timedelta(days=3 * 365).total_seconds()
    statuses = (
        [Status.RESOLVED] * 95 + [Status.INVESTIGATING, Status.IDENTIFIED] * 2 + [Status.MONITORING]
    )
    incidents: list[Incident] = []
    for i in range(n):
        reported = end - timedelta(seconds=rng.random() * span)
        started = reported - timedelta(minutes=rng.randint(0, 120))
        status = rng.choice(statuses)
        incidents.append(
            Incident(
                title=f"{rng.choice(WORDS).title()} {rng.choice(WORDS)} incident {i}",
                summary=" ".join(rng.choices(WORDS, k=12)),
                impact=" ".join(rng.choices(WORDS, k=6)),
                severity=rng.choice(severities),
                status=status,
                reporter=rng.choice(people),
                lead=rng.choice(people),
                is_private=rng.random() < 0.05,
                started_at=started,
                reported_at=reported,
                resolved_at=started + timedelta(minutes=rng.randint(10, 2000))
                if status == Status.RESOLVED
                else None,
                last_update_at=reported,
                created_at=reported,
                updated_at=reported,
            )
        )
    Incident.objects.bulk_create(incidents, batch_size=5000)
    ids = list(Incident.objects.values_list("pk", flat=True))

    # Two timeline entries per incident (the declaration and one pin), for the search to read.
    # One pin in a thousand mentions "kubernetes": a search a person would make (a rare word),
    # next to "checkout", which is in most incidents (the worst case).
    def pin(i: int) -> str:
        return " ".join(rng.choices(WORDS, k=8)) + (" kubernetes" if i % 1000 == 0 else "")

    TimelineEvent.objects.bulk_create(
        [
            TimelineEvent(incident_id=pk, kind=kind, text=text, timestamp=end)
            for i, pk in enumerate(ids)
            for kind, text in (("declared", "Declared"), ("message", pin(i)))
        ],
        batch_size=10_000,
    )
    # The incident whose page is measured: a long timeline, many actions and people.
    page = Incident.objects.filter(is_private=False).order_by("-reported_at").first()
    TimelineEvent.objects.bulk_create(
        [
            TimelineEvent(
                incident=page,
                kind="message",
                text=f"Pinned message {i}: " + " ".join(rng.choices(WORDS, k=15)),
                author=rng.choice(people),
                url=f"https://example.slack.com/archives/C1/p{i}",
                timestamp=page.started_at + timedelta(minutes=i),
            )
            for i in range(200)
        ]
    )
    Action.objects.bulk_create(
        [Action(incident=page, text=f"Follow-up {i}", owner=rng.choice(people)) for i in range(30)]
    )
    Participant.objects.bulk_create(
        [Participant(incident=page, user=p, message_count=rng.randint(1, 99)) for p in people[:40]]
    )
    member = get_user_model().objects.create_user("bench-member", password="x")
    return {"member": member, "incident": page}


def measure(client, url: str, *, requests: int, warmup: int, expect: int = 200) -> dict:
    from django.db import connection

    for _ in range(warmup):
        response = client.get(url)
        assert response.status_code == expect, (url, response.status_code)
    queries: list[str] = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):  # survives the reconnect after each request
        client.get(url)
    times = []
    for _ in range(requests):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == expect
    cuts = statistics.quantiles(times, n=100, method="inclusive")
    return {"p50": statistics.median(times), "p99": cuts[98], "queries": len(queries)}


INTRO = """## Web UI

Server time of the web UI's pages at 100 000 incidents, measured by `bench/web_pages.py` against
baselines measured in the same run (see the script's docstring for the set-up):

    .venv/bin/python bench/web_pages.py --record                       # SQLite
    .venv/bin/python bench/web_pages.py --record --database-url postgres://postgres@127.0.0.1:5432/postgres

Reading the figures: they were taken on 2 CPUs shared with other engineers' test runs (load
average 3-5), so absolute times are inflated; the ratio to the signed-in form page is the steadier
comparison. Every page's query count is constant (the tests pin it). The list counts only open
incidents and reads one row more than it shows instead of counting everything; "open first, then
newest" is two index-ordered slices (the `incident_recent` index from migration core/0004).
A deep page (`?page=2000`) pays for its OFFSET. Search on PostgreSQL uses GIN indexes on the
`to_tsvector` of incident text and of timeline text (migration web/0001); on SQLite it is a
`LIKE` scan, linear in the number of incidents and entries. The incident page renders 200
timeline entries without an edit form each: those forms are fetched when opened.
"""


def record(vendor: str, text: str) -> None:
    """Rewrite this benchmark's section of docs/benchmarks.md, replacing this database's figures
    and keeping the other database's; the other sections belong to other benchmarks."""
    blocks = dict(
        re.findall(
            r"(?s)<!-- web-ui:(\w+):start -->\n(.*?)\n<!-- web-ui:\1:end -->",
            current_section(DOC, START, END),
        )
    )
    blocks[vendor] = text.rstrip()
    parts = [
        f"<!-- web-ui:{name}:start -->\n{blocks[name]}\n<!-- web-ui:{name}:end -->"
        for name in ("sqlite", "postgresql")
        if name in blocks
    ]
    replace_section(DOC, START, END, f"{START}\n{INTRO}\n" + "\n\n".join(parts) + f"\n{END}")


def main() -> None:
    args = parse_args()
    drop = django_for_bench(args.database_url, "webbench")
    from django.db import connection
    from django.test import Client

    from response.web.queries import live_version

    try:
        started = time.perf_counter()
        made = make_data(args.incidents, args.seed)
        # Planner statistics, as a live database has them (PostgreSQL's autovacuum gathers them;
        # SQLite only on ANALYZE / PRAGMA optimize, without which it scans for the open count).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        seeded = time.perf_counter() - started
        client = Client()
        client.force_login(made["member"])
        pk = made["incident"].pk
        pages = [
            ("baseline: GET /health (SELECT 1, no sign-in)", "/health", 200),
            ("baseline: GET /incidents/declare/ (signed in, a form)", "/incidents/declare/", 200),
            ("GET /incidents/ (open first, page 1 of 25 rows)", "/incidents/", 200),
            ("GET /incidents/?page=2000 (deep page)", "/incidents/?page=2000", 200),
            ("GET /incidents/?status=open&severity=1", "/incidents/?status=open&severity=1", 200),
            ("GET /incidents/?q=kubernetes (search: 100 matches)", "/incidents/?q=kubernetes", 200),
            (
                "GET /incidents/?q=checkout (search: most incidents match)",
                "/incidents/?q=checkout",
                200,
            ),
            ("GET /incidents/{id}/ (200 entries, 30 actions, 40 people)", f"/incidents/{pk}/", 200),
            (
                "GET /incidents/{id}/timeline/?v=… (live poll, unchanged)",
                f"/incidents/{pk}/timeline/?v={live_version(made['incident'])}",
                204,
            ),
            (
                "GET /incidents/{id}/timeline/ (live poll, changed)",
                f"/incidents/{pk}/timeline/",
                200,
            ),
            ("GET /incidents/{id}/write-up/", f"/incidents/{pk}/write-up/", 200),
            ("GET /incidents/{id}/write-up.md", f"/incidents/{pk}/write-up.md", 200),
        ]
        header = (
            f"{connection.vendor}, {args.incidents:,} incidents + {2 * args.incidents:,} timeline "
            f"entries (seeded in {seeded:.0f} s); {args.requests} requests per page after "
            f"{args.warmup} warm-up; signed in as a non-staff user; Django test client; "
            f"ANALYZE after seeding; {os.cpu_count()} CPUs shared with other work."
        )
        lines = [
            "| page | p50 ms | p99 ms | p50 ÷ /health | p50 ÷ form page | queries |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        print(header)
        baselines: list[float] = []
        for label, url, expect in pages:
            figures = measure(
                client, url, requests=args.requests, warmup=args.warmup, expect=expect
            )
            if label.startswith("baseline"):
                baselines.append(figures["p50"])
            health, form = baselines[0], baselines[-1]
            lines.append(
                f"| {label} | {figures['p50']:.1f} | {figures['p99']:.1f} "
                f"| {figures['p50'] / health:.0f}× | {figures['p50'] / form:.1f}× "
                f"| {figures['queries']} |"
            )
            print(lines[-1])
        if args.record:
            when = datetime.now(UTC).strftime("%Y-%m-%d")
            title = "SQLite" if connection.vendor == "sqlite" else "PostgreSQL"
            record(
                connection.vendor,
                f"### {title} ({when})\n\n{header}\n\n" + "\n".join(lines) + "\n",
            )
            print(f"recorded in {DOC}")
    finally:
        if drop is not None:
            drop()


if __name__ == "__main__":
    main()
