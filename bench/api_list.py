"""List latency of the REST API at 100 000 incidents, against a baseline measured in the same run.

    .venv/bin/python bench/api_list.py                      # SQLite in a throwaway data directory
    .venv/bin/python bench/api_list.py --database-url postgres://postgres@127.0.0.1:5432/postgres
    .venv/bin/python bench/api_list.py --incidents 10000 --requests 100

With --database-url, a throwaway database is created next to the one named (and dropped after).
Requests go through Django's test client (the whole middleware and URL stack, no network), so the
figures are server time. The baseline is /health (one SELECT 1), which bounds the fixed cost of a
request. Bench data is made with bulk_create: the verbs would take minutes for 100 000 incidents and
this measures reading, not declaring.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import django_for_bench, seeded_parser


def parse_args() -> argparse.Namespace:
    parser = seeded_parser(__doc__, requests=200, warmup=10, seed=7)
    parser.add_argument(
        "--with-index",
        action="store_true",
        help="add an index on core_incident (reported_at DESC, id DESC) first, to measure the "
        "index the core model lacks for newest-first lists",
    )
    return parser.parse_args()


def make_data(n: int, seed: int) -> dict:
    from django.contrib.auth import get_user_model

    from response.core.models import ExternalUser, Incident, Participant, Severity, Status

    rng = random.Random(seed)
    people = ExternalUser.objects.bulk_create(
        [
            ExternalUser(
                workspace_id="T1",
                external_id=f"U{i:08d}",
                display_name=f"person{i}",
                full_name=f"Person {i}",
                email=f"person{i}@example.com",
            )
            for i in range(500)
        ]
    )
    severities = [*Severity.objects.all(), None]
    words = [
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
    end = datetime(2026, 6, 1, tzinfo=UTC)
    span = timedelta(days=3 * 365).total_seconds()
    statuses = (
        [Status.RESOLVED] * 90
        + [Status.INVESTIGATING, Status.IDENTIFIED] * 4
        + [Status.MONITORING] * 2
    )
    batch: list[Incident] = []
    for i in range(n):
        reported = end - timedelta(seconds=rng.random() * span)
        started = reported - timedelta(minutes=rng.randint(0, 120))
        status = rng.choice(statuses)
        resolved = started + timedelta(minutes=rng.randint(10, 2000))
        batch.append(
            Incident(
                title=f"{rng.choice(words).title()} {rng.choice(words)} incident {i}",
                summary=" ".join(rng.choices(words, k=12)),
                severity=rng.choice(severities),
                status=status,
                reporter=rng.choice(people),
                lead=rng.choice(people),
                is_private=rng.random() < 0.05,
                started_at=started,
                reported_at=reported,
                resolved_at=resolved if status == Status.RESOLVED else None,
                last_update_at=reported,
                created_at=reported,
                updated_at=reported,
            )
        )
        if len(batch) == 5000:
            Incident.objects.bulk_create(batch)
            batch = []
    Incident.objects.bulk_create(batch)

    User = get_user_model()
    staff = User.objects.create_user("bench-staff", is_staff=True)
    member = User.objects.create_user("bench-member")
    ExternalUser.objects.filter(pk=people[0].pk).update(user=member)
    private_ids = list(Incident.objects.filter(is_private=True).values_list("pk", flat=True)[:300])
    Participant.objects.bulk_create(
        [Participant(incident_id=pk, user=people[0]) for pk in private_ids]
    )
    return {"staff": staff, "member": member, "lead": people[1]}


def measure(client, url: str, *, requests: int, warmup: int, headers: dict) -> dict:
    for _ in range(warmup):
        response = client.get(url, headers=headers)
        assert response.status_code == 200, (url, response.status_code, response.content[:300])
    times = []
    for _ in range(requests):
        start = time.perf_counter()
        response = client.get(url, headers=headers)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    cuts = statistics.quantiles(times, n=100, method="inclusive")
    return {"p50": statistics.median(times), "p99": cuts[98], "mean": statistics.fmean(times)}


def main() -> None:
    args = parse_args()
    drop = django_for_bench(args.database_url, "bench")
    from django.db import connection
    from django.test import Client

    from response.api.tokens import create_api_token

    try:
        started = time.perf_counter()
        made = make_data(args.incidents, args.seed)
        if args.with_index:
            with connection.cursor() as cursor:
                cursor.execute(
                    "CREATE INDEX bench_incident_newest "
                    "ON core_incident (reported_at DESC, id DESC)"
                )
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        seeded = time.perf_counter() - started
        _, staff_token = create_api_token(made["staff"], name="bench")
        _, member_token = create_api_token(made["member"], name="bench")
        staff = {"Authorization": f"Bearer {staff_token}"}
        member = {"Authorization": f"Bearer {member_token}"}

        scenarios = [
            ("baseline: GET /health (no auth, SELECT 1)", "/health", staff),
            ("baseline: GET /api/severities (token, 1 small query)", "/api/severities", staff),
            ("GET /api/incidents (staff, 50/page)", "/api/incidents", staff),
            ("GET /api/incidents (non-staff: private rule)", "/api/incidents", member),
            ("GET /api/incidents?limit=200", "/api/incidents?limit=200", staff),
            (
                "GET /api/incidents?status=investigating&severity=critical",
                "/api/incidents?status=investigating&severity=critical",
                staff,
            ),
            ("GET /api/incidents?lead_id=…", f"/api/incidents?lead_id={made['lead'].pk}", staff),
            ("GET /api/incidents?q=checkout", "/api/incidents?q=checkout", staff),
            ("GET /api/incidents?offset=50000", "/api/incidents?offset=50000", staff),
            ("GET /api/incidents/{id}", "/api/incidents/1", staff),
        ]
        client = Client()
        print(
            f"{connection.vendor}, {args.incidents:,} incidents (seeded in {seeded:.1f} s), "
            f"{args.requests} requests per row after {args.warmup} warm-up, Django test client"
            + (", with the (reported_at, id) index" if args.with_index else "")
        )
        print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        print(f"{'request':<60} {'p50 ms':>8} {'p99 ms':>8} {'mean ms':>8}")
        for label, url, headers in scenarios:
            figures = measure(
                client, url, requests=args.requests, warmup=args.warmup, headers=headers
            )
            print(
                f"{label:<60} {figures['p50']:>8.2f} {figures['p99']:>8.2f} {figures['mean']:>8.2f}"
            )
        print(f"load average at end: {os.getloadavg()[0]:.1f}")
    finally:
        if drop is not None:
            drop()


if __name__ == "__main__":
    main()
