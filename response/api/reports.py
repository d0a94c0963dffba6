"""Aggregates for the statistics endpoints. A fixed number of queries whatever the data size."""

from __future__ import annotations

import statistics
from collections import defaultdict
from datetime import datetime

from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import TruncMonth

from response.api.queries import filter_incidents
from response.core.models import AuditEvent, AuditVerb, Severity, Status
from response.core.selectors import visible_incidents

UNSET_SEVERITY = "unset"


def _incidents(
    user,
    reported_after: datetime | None,
    reported_before: datetime | None,
    *,
    triage: bool = False,
):
    """The incidents counted (triage ones, an alert's not yet accepted, only with `triage`)."""
    return filter_incidents(
        visible_incidents(user).order_by(),
        reported_after=reported_after,
        reported_before=reported_before,
        triage=triage,
    )


def _triage(user, reported_after: datetime | None, reported_before: datetime | None) -> dict:
    """Alerts' incidents: waiting, declined, and accepted (these are real incidents too)."""
    incidents = _incidents(user, reported_after, reported_before, triage=True)
    accepted = AuditEvent.objects.filter(
        incident=OuterRef("pk"), verb=AuditVerb.INCIDENT_TRIAGE_ACCEPTED
    )
    return incidents.aggregate(
        waiting=Count("id", filter=Q(status=Status.TRIAGE)),
        declined=Count("id", filter=Q(status=Status.DECLINED)),
        accepted=Count("id", filter=Q(Exists(accepted))),
    )


def incidents_by_month(
    user, *, reported_after: datetime | None = None, reported_before: datetime | None = None
) -> list[dict]:
    rows = (
        _incidents(user, reported_after, reported_before)
        .annotate(month=TruncMonth("reported_at"))
        .values("month", "severity__slug")
        .annotate(n=Count("id"))
        .order_by("month", "severity__slug")
    )
    months: dict[str, dict] = {}
    for row in rows:
        key = row["month"].strftime("%Y-%m")
        month = months.setdefault(key, {"month": key, "count": 0, "by_severity": {}})
        month["count"] += row["n"]
        slug = row["severity__slug"] or UNSET_SEVERITY
        month["by_severity"][slug] = month["by_severity"].get(slug, 0) + row["n"]
    return list(months.values())


def _seconds(durations: list[float]) -> tuple[float | None, float | None]:
    if not durations:
        return None, None
    return statistics.fmean(durations), statistics.median(durations)


def summary(
    user, *, reported_after: datetime | None = None, reported_before: datetime | None = None
) -> dict:
    incidents = _incidents(user, reported_after, reported_before)
    counts = incidents.values("severity__slug", "status").annotate(n=Count("id"))
    resolved_times = incidents.filter(status=Status.RESOLVED, resolved_at__isnull=False)
    durations: dict[str, list[float]] = defaultdict(list)
    for slug, started_at, resolved_at in resolved_times.values_list(
        "severity__slug", "started_at", "resolved_at"
    ):
        seconds = max((resolved_at - started_at).total_seconds(), 0.0)
        durations[slug or UNSET_SEVERITY].append(seconds)

    per_severity: dict[str, dict] = {}
    total = open_count = resolved = 0
    for row in counts:
        slug = row["severity__slug"] or UNSET_SEVERITY
        entry = per_severity.setdefault(slug, {"severity": slug, "count": 0, "resolved": 0})
        entry["count"] += row["n"]
        total += row["n"]
        if row["status"] == Status.RESOLVED:
            entry["resolved"] += row["n"]
            resolved += row["n"]
        elif row["status"] != Status.REPORTED:
            open_count += row["n"]

    order = {slug: rank for slug, rank in Severity.objects.values_list("slug", "rank")}
    by_severity = []
    for slug in sorted(per_severity, key=lambda s: (order.get(s, 10_000), s)):
        mean, median = _seconds(durations.get(slug, []))
        by_severity.append(
            {
                **per_severity[slug],
                "mean_time_to_resolve_seconds": mean,
                "median_time_to_resolve_seconds": median,
            }
        )
    mean, median = _seconds([d for ds in durations.values() for d in ds])
    return {
        "count": total,
        "open": open_count,
        "resolved": resolved,
        "mean_time_to_resolve_seconds": mean,
        "median_time_to_resolve_seconds": median,
        "by_severity": by_severity,
        "triage": _triage(user, reported_after, reported_before),
    }
