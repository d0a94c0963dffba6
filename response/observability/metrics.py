"""Prometheus metrics, served by /metrics (response.observability.views).

Two sources:
- counters and the acknowledgement histogram live in the process that moves them (each
  `response web` / `response worker` process serves its own; Prometheus sums them);
- gauges read from the database (jobs, dead jobs, open incidents) are computed when scraped,
  by `DatabaseCollector`, so every process answers the same for them.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Count, Min
from django.utils import timezone
from prometheus_client import (
    GC_COLLECTOR,
    PLATFORM_COLLECTOR,
    PROCESS_COLLECTOR,
    CollectorRegistry,
    Counter,
    Histogram,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from response.core.models import Incident, Severity
from response.engine.models import Job

REGISTRY = CollectorRegistry(auto_describe=True)
for _standard in (PROCESS_COLLECTOR, PLATFORM_COLLECTOR, GC_COLLECTOR):
    REGISTRY.register(_standard)

# Slack wants an answer within 3 s; the buckets are finest below that.
SLACK_ACK_SECONDS = Histogram(
    "response_slack_ack_seconds",
    "Time from receiving a Slack delivery over HTTP to answering it.",
    ["kind"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0),
    registry=REGISTRY,
)
SLACK_DELIVERIES = Counter(
    "response_slack_deliveries",
    "Deliveries from Slack (HTTP and Socket Mode), by type and what became of them.",
    ["type", "outcome"],
    registry=REGISTRY,
)
SLACK_API_CALLS = Counter(
    "response_slack_api_calls",
    "Slack Web API calls made by this process, by method and outcome "
    "(ok, error, rate_limited, server_error, unreachable).",
    ["method", "outcome"],
    registry=REGISTRY,
)
REMINDERS_SENT = Counter(
    "response_reminders_sent",
    "Reminders sent (committed), by reminder.",
    ["reminder"],
    registry=REGISTRY,
)


class DatabaseCollector(Collector):
    """Gauges read from the database at scrape time: the same from any process."""

    def collect(self) -> Iterator[Metric]:
        yield from job_metrics()
        yield open_incidents()

    def describe(self) -> Iterator[Metric]:
        return iter(())  # no database queries when registered


def job_metrics() -> Iterator[Metric]:
    # Done and cancelled jobs are history (pruned from time to time), not work: not counted.
    jobs = GaugeMetricFamily(
        "response_jobs",
        "Jobs of the work engine waiting (pending) or parked (dead), by kind.",
        labels=["kind", "state"],
    )
    # Two queries, each on its partial index (pending jobs; finished ones by state): one over
    # both states would read every done job too.
    pending = Job.objects.filter(state=Job.State.PENDING)
    dead = Job.objects.filter(state=Job.State.DEAD, done_at__isnull=False)
    total_dead = 0
    for state, rows in ((Job.State.PENDING, pending), (Job.State.DEAD, dead)):
        for kind, n in rows.values_list("kind").annotate(n=Count("id")).order_by("kind"):
            jobs.add_metric([kind, state], n)
            total_dead += n if state == Job.State.DEAD else 0
    yield jobs
    yield GaugeMetricFamily(
        "response_jobs_dead", "Jobs parked as dead, waiting for people.", total_dead
    )

    oldest = GaugeMetricFamily(
        "response_jobs_oldest_waiting_seconds",
        "How long the oldest job that is due has waited, by kind (absent: nothing waits).",
        labels=["kind"],
    )
    now = timezone.now()
    waiting = (
        Job.objects.filter(state=Job.State.PENDING, not_before__lte=now)
        .values_list("kind")
        .annotate(since=Min("not_before"))
        .order_by("kind")
    )
    for kind, since in waiting:
        oldest.add_metric([kind], max(0.0, (now - since).total_seconds()))
    yield oldest


def open_incidents() -> Metric:
    gauge = GaugeMetricFamily(
        "response_incidents_open", "Open incidents, by severity.", labels=["severity"]
    )
    counts: dict[str | None, int] = dict(
        Incident.objects.open()
        .values_list("severity__slug")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("severity__slug", "n")
    )
    for slug in Severity.objects.order_by("rank").values_list("slug", flat=True):
        gauge.add_metric([slug], counts.get(slug, 0))
    gauge.add_metric(["unset"], counts.get(None, 0))
    return gauge


REGISTRY.register(DatabaseCollector())


def slack_api_outcome(status: int | None, error: str = "") -> str:
    """A Web API answer as one of a few outcomes (a label with few values)."""
    if status is None:
        return "unreachable"
    if status == 429 or error == "ratelimited":
        return "rate_limited"
    if status >= 500:
        return "server_error"
    return "error" if error else "ok"
