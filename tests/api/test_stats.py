"""Incidents by month and summary statistics."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext

from response.core import verbs
from tests.factories import declare


def _incident(at: datetime, *, severity=None, resolve_after: timedelta | None = None, **kw):
    incident = declare(severity=severity, started_at=at, **kw)
    if resolve_after is not None:
        verbs.resolve_incident(incident, at=at + resolve_after)
    return incident


def test_incidents_by_month(api, time_machine):
    time_machine.move_to("2026-01-15 10:00Z", tick=False)
    _incident(datetime(2026, 1, 15, 9, tzinfo=UTC), severity="critical")
    _incident(datetime(2026, 1, 15, 9, tzinfo=UTC))
    time_machine.move_to("2026-03-01 00:30Z", tick=False)
    _incident(datetime(2026, 3, 1, 0, tzinfo=UTC), severity="critical")
    _incident(datetime(2026, 3, 1, 0, tzinfo=UTC), severity="minor", is_private=True)

    assert api.get("/api/stats/incidents-by-month").json() == [
        {"month": "2026-01", "count": 2, "by_severity": {"critical": 1, "unset": 1}},
        {"month": "2026-03", "count": 1, "by_severity": {"critical": 1}},
    ]
    after = api.get("/api/stats/incidents-by-month?reported_after=2026-02-01T00:00:00Z").json()
    assert [m["month"] for m in after] == ["2026-03"]


def test_summary_time_to_resolve_by_severity(api, staff_api, time_machine):
    time_machine.move_to("2026-06-20 12:00Z", tick=False)
    start = datetime(2026, 6, 1, 8, tzinfo=UTC)
    _incident(start, severity="critical", resolve_after=timedelta(hours=1))
    _incident(start, severity="critical", resolve_after=timedelta(hours=3))
    _incident(start, severity="critical", resolve_after=timedelta(hours=2))
    _incident(start, severity="minor")
    _incident(start, is_report_only=True)
    _incident(start, severity="minor", is_private=True, resolve_after=timedelta(hours=9))

    body = api.get("/api/stats/summary").json()
    assert (body["count"], body["open"], body["resolved"]) == (5, 1, 3)
    assert body["mean_time_to_resolve_seconds"] == 7200
    assert body["median_time_to_resolve_seconds"] == 7200
    assert body["by_severity"] == [
        {
            "severity": "critical",
            "count": 3,
            "resolved": 3,
            "mean_time_to_resolve_seconds": 7200.0,
            "median_time_to_resolve_seconds": 7200.0,
        },
        {
            "severity": "minor",
            "count": 1,
            "resolved": 0,
            "mean_time_to_resolve_seconds": None,
            "median_time_to_resolve_seconds": None,
        },
        {
            "severity": "unset",
            "count": 1,
            "resolved": 0,
            "mean_time_to_resolve_seconds": None,
            "median_time_to_resolve_seconds": None,
        },
    ]
    # Staff see the private incident too.
    assert staff_api.get("/api/stats/summary").json()["count"] == 6


def test_summary_of_nothing(api):
    assert api.get("/api/stats/summary").json() == {
        "count": 0,
        "open": 0,
        "resolved": 0,
        "mean_time_to_resolve_seconds": None,
        "median_time_to_resolve_seconds": None,
        "by_severity": [],
        "triage": {"waiting": 0, "declined": 0, "accepted": 0},
    }
    assert api.get("/api/stats/incidents-by-month").json() == []
    assert api.get("/api/stats/summary?reported_after=tomorrow").status_code == 400


def test_stats_query_counts_do_not_grow_with_the_data(api, time_machine):
    time_machine.move_to("2026-06-20 12:00Z", tick=False)
    start = datetime(2026, 6, 1, 8, tzinfo=UTC)
    for n in range(8):
        _incident(start, severity=["critical", "major", None][n % 3], resolve_after=timedelta(n))
    api.get("/api/stats/summary")
    with CaptureQueriesContext(connection) as summary:
        api.get("/api/stats/summary")
    with CaptureQueriesContext(connection) as by_month:
        api.get("/api/stats/incidents-by-month")
    assert (len(summary), len(by_month)) == (5, 2)  # one of them counts alerts' incidents
