"""GET /api/insights: the insights page's figures as JSON, with the same filters."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from response.core import verbs
from tests.core.test_insights import MONDAY, make_incident
from tests.factories import ExternalUserFactory

pytestmark = pytest.mark.django_db

PERIOD = "since=2026-03-02&until=2026-03-22"


@pytest.fixture
def incidents():
    lead = ExternalUserFactory(display_name="dana")
    make_incident(
        MONDAY,
        severity="critical",
        lead=lead,
        started_before=timedelta(minutes=5),
        acknowledged=timedelta(minutes=10),
        resolved=timedelta(hours=1),
    )
    make_incident(MONDAY + timedelta(days=8), severity=None, is_report_only=True)
    make_incident(
        MONDAY + timedelta(days=9),
        severity="major",
        is_private=True,
        lead=ExternalUserFactory(display_name="secret.lead"),
    )


def test_the_figures_for_the_period(api, incidents):
    response = api.get(f"/api/insights?{PERIOD}")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["since"] == "2026-03-02" and body["until"] == "2026-03-22"
    assert body["total"] == 2
    assert body["weeks"] == ["2026-03-02", "2026-03-09", "2026-03-16"]
    assert body["per_week"] == [
        {"week": "2026-03-02", "severity": "critical", "count": 1},
        {"week": "2026-03-09", "severity": "unset", "count": 1},
    ]
    acknowledge = [row for row in body["time_to"] if row["measure"] == "acknowledge"]
    assert acknowledge == [
        {
            "week": "2026-03-02",
            "severity": "critical",
            "measure": "acknowledge",
            "count": 1,
            "median_seconds": 600.0,
            "p90_seconds": 600.0,
        }
    ]
    resolve = next(row for row in body["time_to"] if row["measure"] == "resolve")
    assert resolve["median_seconds"] == 65 * 60
    assert body["people"] == [
        {
            "person_id": body["people"][0]["person_id"],
            "name": "dana",
            "incidents_led": 1,
            "incidents_with_a_role": 0,
            "hours_in_incidents": round(65 / 60, 2),
        }
    ]
    statuses = {row["status"] for row in body["time_in_status"]}
    assert statuses == {"investigating"}


def test_staff_see_the_private_incident(staff_api, incidents):
    body = staff_api.get(f"/api/insights?{PERIOD}").json()
    assert body["total"] == 3
    assert "secret.lead" in {person["name"] for person in body["people"]}


def test_filters(api, incidents):
    body = api.get(f"/api/insights?{PERIOD}&severity=critical&severity=minor").json()
    assert body["total"] == 1
    body = api.get(f"/api/insights?{PERIOD}&report_only=exclude").json()
    assert body["total"] == 1 and body["include_report_only"] is False


@pytest.mark.parametrize(
    "query, field",
    [
        ("severity=nope", "severity"),
        ("since=2026-03-22&until=2026-03-01", "since"),
        ("since=2001-01-01&until=2026-03-01", "since"),
        ("since=yesterday", "since"),
        ("report_only=maybe", "report_only"),
    ],
)
def test_bad_filters_are_a_400_naming_the_field(api, query, field):
    response = api.get(f"/api/insights?{query}")
    assert response.status_code == 400, response.content
    assert response.json()["field"] == field


def test_it_needs_authentication(anonymous):
    assert anonymous.get("/api/insights").status_code == 401


def test_it_is_in_the_openapi_document(api):
    document = api.get("/api/openapi.json").json()
    operation = document["paths"]["/api/insights"]["get"]
    assert {p["name"] for p in operation["parameters"]} == {
        "since",
        "until",
        "severity",
        "type",
        "service",
        "report_only",
        "triage",
    }
    assert "InsightsOut" in document["components"]["schemas"]


def test_triage_incidents_count_when_asked_for(api, incidents):
    with time_machine.travel(MONDAY, tick=False):
        verbs.open_triage_incident(title="Disk full on db-3", dedup_key="alert:1")
    without = api.get(f"/api/insights?{PERIOD}").json()
    with_triage = api.get(f"/api/insights?{PERIOD}&triage=include").json()
    assert (without["include_triage"], with_triage["include_triage"]) == (False, True)
    assert with_triage["total"] == without["total"] + 1
