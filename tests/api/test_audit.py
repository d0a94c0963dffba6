"""The audit log: read-only, filtered, in a stable order for incremental export."""

from __future__ import annotations

import pytest

from response.core import verbs
from response.core.models import AuditEvent
from tests.api.test_incidents import _count_queries
from tests.factories import declare


def _all(client, url="/api/audit-events?limit=2") -> list[dict]:
    """Export everything, page by page, as a warehouse job would."""
    seen, after = [], 0
    while True:
        body = client.get(f"{url}&after_id={after}").json()
        seen += body["items"]
        if body["next_after_id"] is None:
            return seen
        after = body["next_after_id"]


def test_incremental_export_sees_every_event_once(staff_api):
    incident = declare()
    verbs.set_severity(incident, "major")
    verbs.resolve_incident(incident)
    exported = _all(staff_api)
    assert [e["id"] for e in exported] == list(
        AuditEvent.objects.order_by("id").values_list("id", flat=True)
    )
    assert [e["verb"] for e in exported] == [
        "incident.declared",
        "incident.severity_changed",
        "incident.resolved",
    ]
    # Later changes come after the last id seen.
    last = exported[-1]["id"]
    verbs.reopen_incident(incident)
    later = staff_api.get(f"/api/audit-events?after_id={last}").json()
    assert [e["verb"] for e in later["items"]] == ["incident.reopened"]
    assert later["next_after_id"] is None


def test_events_carry_who_and_what(api, user):
    incident = declare()
    api.patch(f"/api/incidents/{incident.pk}", {"title": "Renamed"})
    event = api.get(f"/api/audit-events?incident_id={incident.pk}").json()["items"][-1]
    assert event["verb"] == "incident.updated"
    assert (event["actor_user_id"], event["actor_name"]) == (user.pk, "alice")
    assert event["before"] == {"title": "Payments are failing"}
    assert event["after"] == {"title": "Renamed"}


def test_filter_by_time_and_incident(staff_api, time_machine):
    time_machine.move_to("2026-01-01 10:00Z", tick=False)
    first = declare("First")
    time_machine.move_to("2026-01-02 10:00Z", tick=False)
    second = declare("Second")
    verbs.resolve_incident(first)

    def incidents(query):
        return [
            e["incident_id"] for e in staff_api.get(f"/api/audit-events?{query}").json()["items"]
        ]

    assert incidents("since=2026-01-02T00:00:00Z") == [second.pk, first.pk]
    assert incidents("until=2026-01-02T00:00:00Z") == [first.pk]
    assert incidents(f"incident_id={first.pk}") == [first.pk, first.pk]


def test_private_incidents_stay_out_of_the_log_for_others(api, staff_api, chat_user):
    public = declare("Public")
    declare("Secret", is_private=True)
    mine = declare("Mine", is_private=True, lead=chat_user)
    seen = {e["incident_id"] for e in api.get("/api/audit-events").json()["items"]}
    assert seen == {public.pk, mine.pk}
    assert len(staff_api.get("/api/audit-events").json()["items"]) == 3


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("after_id=-1", "after_id"),
        ("limit=0", "limit"),
        ("limit=1001", "limit"),
        ("since=2026-01-01", "since"),
        ("incident_id=x", "incident_id"),
    ],
)
def test_bad_parameters(staff_api, query, field):
    response = staff_api.get(f"/api/audit-events?{query}")
    assert response.status_code == 400
    assert response.json()["field"] == field


def test_the_log_is_read_only(staff_api):
    declare()
    event_id = AuditEvent.objects.get().pk
    assert staff_api.post("/api/audit-events").status_code == 405
    assert staff_api.delete(f"/api/audit-events/{event_id}").status_code == 404


def test_audit_query_count_is_constant(api):
    declare()
    few = _count_queries(api, "/api/audit-events")
    for n in range(10):
        verbs.resolve_incident(declare(f"Incident {n}"))
    assert _count_queries(api, "/api/audit-events") == few == 2  # token, page
