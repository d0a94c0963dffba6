"""The insights page at 100 000 incidents, against baselines measured in the same run.

    .venv/bin/python bench/insights.py --database-url postgres://postgres@127.0.0.1:5432/postgres
    .venv/bin/python bench/insights.py --database-url … --record   # and update docs/benchmarks.md
    .venv/bin/python bench/insights.py --incidents 10000 --requests 20   # SQLite, smaller

Requests go through Django's test client (every middleware, sign-in, templates; no network), so
the figures are server time. Baselines: /health (one SELECT 1) and the incident list (the page
people open most). Pages are read as a signed-in non-staff user (the private-incident rule
applies), and once as staff. The incidents span three years, with every key time set as the
verbs would set them; most have an incident type, affected services and a comms lead; they are
made with bulk_create (the verbs would take many minutes), in the order they were reported, as a
live database stores them.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import django_for_bench, make_people, replace_section, seeded_parser  # noqa: E402

DOC = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- insights:start -->", "<!-- insights:end -->"
TODAY = date(2026, 6, 1)


def parse_args() -> argparse.Namespace:
    parser = seeded_parser(__doc__, requests=50, warmup=3, seed=16)
    parser.add_argument("--record", action="store_true", help=f"write the figures to {DOC}")
    return parser.parse_args()


def make_data(n: int, seed: int) -> dict:
    from django.contrib.auth import get_user_model

    from response.core.models import (
        AffectedService,
        Incident,
        IncidentType,
        RoleAssignment,
        Service,
        Severity,
        Status,
    )

    rng = random.Random(seed)
    people = make_people()
    severities = [*Severity.objects.all(), None]
    types = [
        IncidentType.objects.create(name=name, slug=name.lower().replace(" ", "-"), order=i)
        for i, name in enumerate(("Customer facing", "Security", "Internal"))
    ]
    services = Service.objects.bulk_create(
        [Service(slug=f"service-{i}", name=f"Service {i}") for i in range(12)]
    )
    end = datetime.combine(TODAY, datetime.min.time(), UTC)
    span = timedelta(days=3 * 365).total_seconds()
    statuses = (
        [Status.RESOLVED] * 93
        + [Status.INVESTIGATING, Status.IDENTIFIED] * 2
        + [
            Status.MONITORING,
            Status.REPORTED,
            Status.REPORTED,
        ]
    )
    incidents: list[Incident] = []
    for i in range(n):
        reported = end - timedelta(seconds=rng.random() * span)
        started = reported - timedelta(minutes=rng.randint(0, 120))
        status = rng.choice(statuses)
        live = status != Status.REPORTED

        def later(base: datetime, most: int) -> datetime:
            return base + timedelta(minutes=rng.randint(1, most))

        acknowledged = later(reported, 30) if live else None
        identified = later(reported, 90) if live and status != Status.INVESTIGATING else None
        monitoring = (
            later(identified or reported, 240)
            if status in (Status.MONITORING, Status.RESOLVED)
            else None
        )
        resolved = later(monitoring, 600) if status == Status.RESOLVED and monitoring else None
        incidents.append(
            Incident(
                title=f"Incident {i}",
                severity=rng.choice(severities),
                type=rng.choice(types) if rng.random() < 0.7 else None,
                status=status,
                reporter=rng.choice(people),
                lead=rng.choice(people) if rng.random() < 0.9 else None,
                is_private=rng.random() < 0.05,
                is_report_only=not live,
                started_at=started,
                detected_at=started,
                reported_at=reported,
                acknowledged_at=acknowledged,
                identified_at=identified,
                monitoring_at=monitoring,
                mitigated_at=monitoring,
                resolved_at=resolved,
                last_update_at=reported,
                created_at=reported,
                updated_at=reported,
            )
        )
    # Stored in the order they were reported, as a live database has them (ids grow with time).
    incidents.sort(key=lambda incident: incident.reported_at)
    Incident.objects.bulk_create(incidents, batch_size=5000)
    affected, roles = [], []
    for incident in incidents:
        if rng.random() < 0.6:
            for service in rng.sample(services, rng.choice((1, 1, 2))):
                affected.append(AffectedService(incident=incident, service=service))
        if rng.random() < 0.2 and incident.lead is not None:
            holder = rng.choice(people)
            if holder != incident.lead:
                roles.append(RoleAssignment(incident=incident, role="comms", holder=holder))
    AffectedService.objects.bulk_create(affected, batch_size=5000)
    RoleAssignment.objects.bulk_create(roles, batch_size=5000)
    member = get_user_model().objects.create_user("bench-member", password="x")
    staff = get_user_model().objects.create_user("bench-staff", password="x", is_staff=True)
    return {"member": member, "staff": staff, "type": types[0], "service": services[0]}


def measure(client, url: str, *, requests: int, warmup: int) -> dict:
    from django.db import connection

    for _ in range(warmup):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    queries: list[str] = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        client.get(url)
    times = []
    for _ in range(requests):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    cuts = statistics.quantiles(times, n=20, method="inclusive")
    return {"p50": statistics.median(times), "p95": cuts[18], "queries": len(queries)}


INTRO = """## Insights

Server time of the insights page (`/insights/`) and its API (`/api/insights`) at 100 000
incidents over three years, measured by `bench/insights.py` with baselines in the same run:

    .venv/bin/python bench/insights.py --record --database-url postgres://postgres@127.0.0.1:5432/postgres

Every figure is aggregated in the database (grouped by week and severity; `percentile_cont` for
the medians and 90th percentiles): a fixed number of queries whatever the number of incidents
(the last column, the session's two included). Seven in ten incidents have a type, six in ten
one or two of 12 affected services, and one in five a comms lead besides its lead. The default
period (26 weeks) reads about 16 000 incidents through the `incident_recent` index; "three years"
reads all 100 000, and its cost grows with them (sorting for the percentiles), so it is over the
200 ms target. Times vary by ±15 % from run to run on this shared 2-core machine (the load
average is in the header); the ratio to the incident list, measured in the same run, is the
steadier figure.

In short: on 2026-11-30 (second session, a quiet machine) the default page answered in
113 ms p50 and the API in 106 ms, with incident types, services and roles held seeded: **under
the 200 ms target**, at 1.9× the incident list measured in the same run. Earlier the same day,
while other work shared the machine (the list itself took 110 ms instead of 60), runs gave
207–248 ms; the ratio to the list fell from 2.1× to 1.9× as the reads were improved (the roles
held read with an anti-join instead of a second scan, no COUNT DISTINCT for services, the filter
checkboxes written out in the template). The page makes 10 queries, one per figure; most of its
time is those aggregates over the counted incidents (about 16 000 in the default period).
"""


def record(text: str) -> None:
    """Rewrite this benchmark's section of docs/benchmarks.md; the others are left alone."""
    replace_section(DOC, START, END, f"{START}\n{INTRO}\n{text.rstrip()}\n{END}")


def main() -> None:
    args = parse_args()
    drop = django_for_bench(args.database_url, "insights")
    import time_machine
    from django.db import connection
    from django.test import Client

    try:
        started = time.perf_counter()
        made = make_data(args.incidents, args.seed)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        seeded = time.perf_counter() - started
        member, staff = Client(), Client()
        member.force_login(made["member"])
        staff.force_login(made["staff"])
        whole = f"since={TODAY - timedelta(days=3 * 365)}&until={TODAY}"
        pages = [
            ("baseline: GET /health (SELECT 1, no sign-in)", member, "/health"),
            ("baseline: GET /incidents/ (the list, page 1)", member, "/incidents/"),
            ("GET /insights/ (last 26 weeks)", member, "/insights/"),
            ("GET /insights/ (last 26 weeks, as staff)", staff, "/insights/"),
            (
                "GET /insights/?severity=1&report_only=exclude",
                member,
                "/insights/?severity=1&report_only=exclude",
            ),
            (
                "GET /insights/?since=…&until=… (three years: every incident)",
                member,
                f"/insights/?{whole}",
            ),
            (
                "GET /insights/time-to-resolve.csv (26 weeks)",
                member,
                "/insights/time-to-resolve.csv",
            ),
            (
                "GET /insights/?type=…&service=… (one of each)",
                member,
                f"/insights/?type={made['type'].pk}&service={made['service'].pk}",
            ),
            ("GET /api/insights (26 weeks)", member, "/api/insights"),
        ]
        header = (
            f"{connection.vendor}, {args.incidents:,} incidents over three years (seeded in "
            f"{seeded:.0f} s); {args.requests} requests per page after {args.warmup} warm-up; "
            f"signed in as a non-staff user unless said; Django test client; ANALYZE after "
            f"seeding; {os.cpu_count()} CPUs shared with other work; measured "
            f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, load average "
            f"{os.getloadavg()[0]:.1f}."
        )
        lines = [
            "| page | p50 ms | p95 ms | p50 ÷ /health | p50 ÷ list | queries |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        print(header)
        baselines: list[float] = []
        # "Today" is fixed, so the default period holds the same incidents in every run.
        with time_machine.travel(datetime.combine(TODAY, datetime.min.time(), UTC), tick=True):
            for label, client, url in pages:
                figures = measure(client, url, requests=args.requests, warmup=args.warmup)
                if label.startswith("baseline"):
                    baselines.append(figures["p50"])
                health, listing = baselines[0], baselines[-1]
                lines.append(
                    f"| {label} | {figures['p50']:.1f} | {figures['p95']:.1f} "
                    f"| {figures['p50'] / health:.0f}× | {figures['p50'] / listing:.1f}× "
                    f"| {figures['queries']} |"
                )
                print(lines[-1], flush=True)
        if args.record:
            title = "SQLite" if connection.vendor == "sqlite" else "PostgreSQL"
            record(f"### {title}\n\n{header}\n\n" + "\n".join(lines) + "\n")
            print(f"recorded in {DOC}")
    finally:
        if drop is not None:
            drop()


if __name__ == "__main__":
    main()
