"""The insights selectors, on whichever database the run uses (SQLite and PostgreSQL give the
same answers: percentile_cont there, the same interpolation in Python here)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model

from response.core import verbs
from response.core.errors import InvalidInput
from response.core.insights import (
    Spread,
    insight_filters,
    insights,
    percentile,
    weeks_of,
)
from response.core.models import Incident, Severity
from tests.factories import ExternalUserFactory

pytestmark = pytest.mark.django_db

MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday
PERIOD = {"since": date(2026, 3, 2), "until": date(2026, 3, 22)}  # three weeks


def staff():
    return get_user_model().objects.get_or_create(username="boss", defaults={"is_staff": True})[0]


def severity(slug: str) -> int:
    return Severity.objects.get(slug=slug).pk


def make_incident(
    reported: datetime,
    *,
    severity: str | None = "major",
    started_before: timedelta = timedelta(minutes=10),
    acknowledged: timedelta | None = None,
    identified: timedelta | None = None,
    monitoring: timedelta | None = None,
    resolved: timedelta | None = None,
    **declared,
) -> Incident:
    """An incident reported at `reported`, its later moments given as times after `reported`
    (acknowledged: after impact started)."""
    with time_machine.travel(reported, tick=False):
        incident = verbs.declare_incident(
            title="Something broke",
            severity=severity,
            started_at=reported - started_before,
            **declared,
        )
    with time_machine.travel(reported + timedelta(days=5), tick=False):
        for status, after in (
            ("identified", identified),
            ("monitoring", monitoring),
            ("resolved", resolved),
        ):
            if after is not None:
                verbs.set_status(incident, status, at=reported + after)
        if acknowledged is not None:
            verbs.set_key_times(
                incident,
                detected_at=incident.started_at,
                acknowledged_at=incident.started_at + acknowledged,
            )
    incident.refresh_from_db()
    return incident


def test_percentile_interpolates_like_percentile_cont():
    assert percentile([10.0], 0.9) == 10
    assert percentile([10.0, 20.0, 30.0, 40.0], 0.5) == 25
    assert percentile([10.0, 20.0, 30.0, 40.0], 0.9) == pytest.approx(37)


def test_weeks_run_monday_to_sunday_and_include_empty_ones():
    assert weeks_of(date(2026, 3, 4), date(2026, 3, 16)) == [
        date(2026, 3, 2),
        date(2026, 3, 9),
        date(2026, 3, 16),
    ]


def test_incidents_per_week_by_severity_with_the_filters():
    make_incident(MONDAY, severity="critical")
    make_incident(MONDAY + timedelta(days=2), severity="major")
    make_incident(MONDAY + timedelta(days=8), severity="major")
    make_incident(MONDAY + timedelta(days=9), severity=None, is_report_only=True)
    make_incident(MONDAY + timedelta(days=30), severity="major")  # after the period

    data = insights(staff(), insight_filters(**PERIOD))
    assert data.total == 4
    assert data.weeks == [date(2026, 3, 2), date(2026, 3, 9), date(2026, 3, 16)]
    counts = {(row.week, row.severity_id): row.count for row in data.per_week}
    assert counts == {
        (date(2026, 3, 2), severity("critical")): 1,
        (date(2026, 3, 2), severity("major")): 1,
        (date(2026, 3, 9), severity("major")): 1,
        (date(2026, 3, 9), None): 1,
    }

    majors = insights(staff(), insight_filters(**PERIOD, chosen={"severity": [severity("major")]}))
    assert majors.total == 2
    without_reports = insights(staff(), insight_filters(**PERIOD, include_report_only=False))
    assert without_reports.total == 3


def test_time_to_acknowledge_mitigate_and_resolve_median_and_p90():
    # Four major incidents the same week, acknowledged after 10, 20, 30 and 40 minutes; two of
    # them mitigated (monitoring) and resolved.
    for i, minutes in enumerate((10, 20, 30, 40)):
        make_incident(
            MONDAY + timedelta(hours=i),
            started_before=timedelta(minutes=5),
            acknowledged=timedelta(minutes=minutes),
            monitoring=timedelta(minutes=60) if i < 2 else None,
            resolved=timedelta(minutes=120 + 60 * i) if i < 2 else None,
        )
    data = insights(staff(), insight_filters(**PERIOD))
    found = {row.measure: row.spread for row in data.time_to}
    assert {row.week for row in data.time_to} == {date(2026, 3, 2)}
    assert found["acknowledge"] == Spread(4, 25 * 60, 37 * 60)
    # From impact started (5 minutes before reporting) to monitoring / resolved.
    assert found["mitigate"] == Spread(2, 65 * 60, 65 * 60)
    assert found["resolve"].count == 2
    assert found["resolve"].median == pytest.approx((125 + 185) / 2 * 60)
    assert found["resolve"].p90 == pytest.approx((125 + 0.9 * 60) * 60)


def test_time_in_each_status_of_resolved_incidents():
    make_incident(
        MONDAY,
        identified=timedelta(minutes=30),
        monitoring=timedelta(minutes=90),
        resolved=timedelta(minutes=100),
    )
    make_incident(MONDAY + timedelta(hours=1), resolved=timedelta(minutes=50))  # straight there
    make_incident(MONDAY + timedelta(hours=2), identified=timedelta(minutes=5))  # still open

    data = insights(staff(), insight_filters(**PERIOD))
    found = {row.status: row.spread for row in data.time_in_status}
    assert found["investigating"] == Spread(2, 40 * 60, 48 * 60)
    assert found["identified"] == Spread(1, 60 * 60, 60 * 60)
    assert found["monitoring"] == Spread(1, 10 * 60, 10 * 60)


def test_load_on_people_counts_incidents_led_and_their_hours():
    dana, rory = ExternalUserFactory(display_name="dana"), ExternalUserFactory(display_name="rory")
    make_incident(MONDAY, lead=dana, started_before=timedelta(0), resolved=timedelta(hours=2))
    make_incident(
        MONDAY + timedelta(days=1),
        lead=dana,
        started_before=timedelta(0),
        resolved=timedelta(hours=1),
    )
    make_incident(
        MONDAY + timedelta(days=2),
        lead=rory,
        started_before=timedelta(0),
        resolved=timedelta(hours=4),
    )
    make_incident(MONDAY + timedelta(days=3))  # nobody led it

    people = insights(staff(), insight_filters(**PERIOD)).people
    assert [(p.name, p.led, p.roles, round(p.hours, 2)) for p in people] == [
        ("dana", 2, 0, 3.0),
        ("rory", 1, 0, 4.0),
    ]


def test_load_on_people_counts_the_roles_held_each_incident_once():
    dana, rory = ExternalUserFactory(display_name="dana"), ExternalUserFactory(display_name="rory")
    sam = ExternalUserFactory(display_name="sam")
    first = make_incident(
        MONDAY, lead=dana, started_before=timedelta(0), resolved=timedelta(hours=2)
    )
    verbs.assign_role(first, "comms", rory)
    verbs.assign_role(first, "scribe", rory)  # two roles in one incident: one incident
    second = make_incident(
        MONDAY + timedelta(days=1),
        lead=sam,
        started_before=timedelta(0),
        resolved=timedelta(hours=1),
    )
    verbs.assign_role(second, "comms", rory)
    verbs.assign_role(second, "scribe", sam)  # its lead holds a role too: counted as its lead

    people = insights(staff(), insight_filters(**PERIOD)).people
    assert [(p.name, p.led, p.roles, round(p.hours, 2)) for p in people] == [
        ("rory", 0, 2, 3.0),
        ("dana", 1, 0, 2.0),
        ("sam", 1, 0, 1.0),
    ]


def test_private_incidents_count_only_for_those_allowed_to_see_them():
    lead = ExternalUserFactory(display_name="quiet.lead")
    make_incident(MONDAY, lead=lead, is_private=True, acknowledged=timedelta(minutes=3))
    make_incident(MONDAY, severity="minor")
    outsider = get_user_model().objects.create_user("outsider")
    insider = get_user_model().objects.create_user("insider")
    lead.user = insider
    lead.save()

    seen_by_outsider = insights(outsider, insight_filters(**PERIOD))
    assert seen_by_outsider.total == 1
    assert seen_by_outsider.people == []  # the private incident's lead is not named
    assert not [
        row
        for row in seen_by_outsider.time_to
        if row.measure == "acknowledge" and row.severity_id == severity("major")
    ]
    assert insights(insider, insight_filters(**PERIOD)).total == 2
    assert insights(staff(), insight_filters(**PERIOD)).total == 2


def test_filters_that_make_no_sense_are_refused():
    with pytest.raises(InvalidInput, match="start before it ends"):
        insight_filters(since=date(2026, 3, 9), until=date(2026, 3, 1))
    with pytest.raises(InvalidInput, match="at most"):
        insight_filters(since=date(2016, 1, 1), until=date(2026, 1, 1))
    with pytest.raises(InvalidInput, match="No such severity"):
        insight_filters(**PERIOD, chosen={"severity": [999_999]})
    with pytest.raises(InvalidInput, match="cannot be filtered"):
        insight_filters(**PERIOD, chosen={"colour": [1]})


def test_the_default_period_is_the_last_26_weeks():
    with time_machine.travel(datetime(2026, 3, 18, 12, tzinfo=UTC), tick=False):
        filters = insight_filters(since=None, until=None)
    assert filters.until == date(2026, 3, 18)
    assert filters.since == date(2026, 3, 16) - timedelta(weeks=25)
    assert filters.since.weekday() == 0


def test_the_number_of_queries_does_not_grow_with_the_incidents(django_assert_num_queries):
    for i in range(6):
        make_incident(
            MONDAY + timedelta(days=i), lead=ExternalUserFactory(), resolved=timedelta(hours=1)
        )
    user = get_user_model().objects.create_user("someone")
    filters = insight_filters(**PERIOD)
    insights(user, filters)  # severities are remembered after the first read
    # per week (counts and times to), time in status, load on people (leads, roles held), the
    # people's names, the incidents by service
    with django_assert_num_queries(6):
        insights(user, filters)


def test_triage_incidents_count_only_when_asked_for():
    make_incident(MONDAY)
    with time_machine.travel(MONDAY, tick=False):
        verbs.open_triage_incident(title="Disk full on db-3", dedup_key="alert:1")
        declined, _ = verbs.open_triage_incident(title="Flapping probe", dedup_key="alert:2")
        verbs.decline_triage(declined, reason="noise")

    assert insights(staff(), insight_filters(**PERIOD)).total == 1
    assert insights(staff(), insight_filters(**PERIOD, include_triage=True)).total == 3
