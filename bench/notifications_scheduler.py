"""Reminders on the work engine with 10, 1 000 and 10 000 open incidents: none due, then 100 due.

    .venv/bin/python bench/notifications_scheduler.py              # SQLite, throwaway data dir
    .venv/bin/python bench/notifications_scheduler.py --database-url postgres://postgres@127.0.0.1:5432/postgres

With --database-url, a throwaway database is created next to the one named (and dropped after).
Each open incident has the built-in reminders' rows a declaration writes (no lead, no severity,
update cadence, long-running), due later, each with its `reminder` job. "None due" is what the
engine's sweep asks every few seconds (`runner.lanes_due()`: which lanes have due work?). "100
due" makes 100 lead nudges due (10 with ten incidents; each has a comms channel) and runs their
lanes as the engine's threads do (`runner.run_slice`): each sends its nudge, which writes a Slack
job and the reminder's next job, in the transaction that marks it done.
Queries are counted with Django's CaptureQueriesContext; times are medians over many passes.
Data is made with bulk_create: this measures the pass, not declaring.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import django_for_bench

SIZES = (10, 1_000, 10_000)
DUE = 100


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--passes", type=int, default=100, help="timed passes, none due")
    parser.add_argument("--due-passes", type=int, default=10, help="timed passes, 100 due")
    parser.add_argument("--database-url", default="", help="PostgreSQL server to use")
    return parser.parse_args()


def add_open_incidents(count: int, start: int) -> None:
    """`count` open incidents with their comms channel and their reminders' rows, due later."""
    from django.utils import timezone

    from response.core.models import Incident
    from response.engine.models import Job
    from response.notifications.models import ScheduledNotification
    from response.notifications.registry import Phase, enabled_notifications
    from response.slack.models import CommsChannel

    now = timezone.now()
    specs = enabled_notifications(Phase.OPEN)
    for offset in range(0, count, 2_000):
        size = min(2_000, count - offset)
        incidents = Incident.objects.bulk_create(
            [
                Incident(title=f"Incident {start + offset + i}", started_at=now, reported_at=now)
                for i in range(size)
            ]
        )
        CommsChannel.objects.bulk_create(
            [
                CommsChannel(incident=i, channel_id=f"C{i.pk:09d}", name=f"inc-{i.pk}")
                for i in incidents
            ]
        )
        rows = ScheduledNotification.objects.bulk_create(
            [
                ScheduledNotification(
                    incident=incident,
                    key=spec.key,
                    phase=spec.phase,
                    anchor_at=now,
                    # Spread over the next hours, as real schedules are: none due yet.
                    next_due_at=now + timedelta(minutes=10 + (incident.pk * 7 + n) % 600),
                )
                for incident in incidents
                for n, spec in enumerate(specs)
            ]
        )
        Job.objects.bulk_create(
            [reminder_job(row.pk, row.incident_id, row.next_due_at) for row in rows]
        )


def make_due(count: int) -> None:
    """Make `count` lead nudges due (fresh, never sent), as if their moment just came: their rows
    scheduled, and one due job each (the jobs of earlier passes forgotten)."""
    from django.utils import timezone

    from response.engine.models import Job
    from response.notifications.models import ScheduledNotification

    due = timezone.now() - timedelta(seconds=30)
    rows = list(
        ScheduledNotification.objects.filter(key__endswith=".no_lead")
        .order_by("pk")
        .values_list("pk", "incident_id")[:count]
    )
    ScheduledNotification.objects.filter(pk__in=[pk for pk, _ in rows]).update(
        state="scheduled", sent_count=0, next_due_at=due
    )
    lanes = [f"reminder:{incident}:{pk}" for pk, incident in rows]
    Job.objects.filter(lane__in=lanes).delete()
    Job.objects.filter(kind="slack.comms_message").delete()
    Job.objects.bulk_create([reminder_job(pk, incident, due) for pk, incident in rows])


def reminder_job(row_id: int, incident_id: int, due):
    from response.engine.models import Job

    return Job(
        kind="reminder",
        lane=f"reminder:{incident_id}:{row_id}",
        key=f"reminder:{row_id}",
        payload={"notification_id": row_id},
        priority=2,
        not_before=due,
    )


def measure(passes: int, before=None) -> tuple[float, float, int, int]:
    """Median and max milliseconds per pass, queries in the last pass, reminders it sent."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times = []
    queries = sent = 0
    if before:
        before()
    run_pass()  # warm-up: imports, prepared statements, caches
    for _ in range(passes):
        if before:
            before()
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            sent = run_pass()
            times.append((time.perf_counter() - started) * 1000)
        queries = len(captured.captured_queries)
    return statistics.median(times), max(times), queries, sent


def run_pass() -> int:
    """What the engine does: find the due lanes, run each (here in one thread). Only the
    reminders' lanes: the Slack messages they queue are another benchmark's business."""
    from response.engine import runner

    lanes = [lane for lane in runner.lanes_due() if lane.startswith("reminder:")]
    return sum(runner.run_slice(lane, seconds=60).done for lane in lanes)


def due_plan() -> str:
    from django.db import connection
    from django.utils import timezone

    from response.engine import sql

    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql.lanes_due_statement()}", [now, now, 500])
            return "; ".join(row[-1] for row in cursor.fetchall())
        cursor.execute(f"EXPLAIN {sql.lanes_due_statement()}", [now, now, 500])
        return "; ".join(row[0].strip() for row in cursor.fetchall())


def main() -> None:
    args = parse_args()
    os.environ["SLACK_BOT_TOKEN"] = ""
    drop = django_for_bench(args.database_url, "bench_notif")
    from django.db import connection

    from response.notifications.models import ScheduledNotification

    try:
        print(
            f"database: {connection.vendor}; median (max) of {args.passes} looks with none "
            f"due, {args.due_passes} passes with some due\n"
        )
        print(f"{'open incidents':>15} {'rows':>7} {'due':>4} {'queries':>8} {'ms/pass':>16}")
        made = 0
        for size in SIZES:
            add_open_incidents(size - made, made)
            made = size
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
            rows = ScheduledNotification.objects.count()
            median, worst, queries, _ = measure(args.passes)  # nothing due: the sweep's look
            print(f"{size:>15,} {rows:>7,} {0:>4} {queries:>8} {median:>8.2f} ({worst:.2f})")
            due = min(DUE, size)  # ten incidents have ten lead nudges
            median, worst, queries, sent = measure(
                args.due_passes, before=lambda due=due: make_due(due)
            )
            assert sent == due, sent
            print(f"{size:>15,} {rows:>7,} {sent:>4} {queries:>8} {median:>8.2f} ({worst:.2f})")
        print(f"\nquery plan of looking for due work: {due_plan()}")
    finally:
        if drop:
            drop()


if __name__ == "__main__":
    main()
